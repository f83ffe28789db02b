// Command authproxy serves a file:// GOPROXY directory (as tests/tools/mkproxy
// makes it) over both http and https, both requiring HTTP basic auth, for the
// credentials integration test. At start it makes a self-signed certificate
// for 127.0.0.1 and localhost and writes it (PEM) to -ca, for SSL_CERT_FILE;
// it then writes its two base URLs, http first, one a line, to -addrs. Every
// request is logged to -log as
//
//	<scheme> <method> <path> auth=<none|valid|invalid> status=<code>
//
// — whether an Authorization header came, never what it held.
//
//	authproxy -dir PROXYDIR -user USER -password-file FILE -ca CA.pem -addrs ADDRS -log LOG
package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/subtle"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"flag"
	"fmt"
	"log"
	"math/big"
	"net"
	"net/http"
	"os"
	"sync"
	"time"
)

func main() {
	dir := flag.String("dir", "", "the GOPROXY directory to serve")
	user := flag.String("user", "", "the basic-auth user")
	passwordFile := flag.String("password-file", "", "a file holding the basic-auth password")
	caFile := flag.String("ca", "", "where to write the self-signed certificate (PEM)")
	addrsFile := flag.String("addrs", "", "where to write the http and https base URLs")
	logFile := flag.String("log", "", "the request log")
	flag.Parse()
	if err := run(*dir, *user, *passwordFile, *caFile, *addrsFile, *logFile); err != nil {
		fmt.Fprintln(os.Stderr, "authproxy:", err)
		os.Exit(1)
	}
}

func run(dir, user, passwordFile, caFile, addrsFile, logFile string) error {
	password, err := os.ReadFile(passwordFile)
	if err != nil {
		return err
	}
	cert, err := selfSigned(caFile)
	if err != nil {
		return err
	}
	logOut, err := os.OpenFile(logFile, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	var mu sync.Mutex
	files := http.FileServer(http.Dir(dir))
	handler := func(scheme string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			auth, status := "none", http.StatusOK
			if _, ok := r.Header["Authorization"]; ok {
				auth = "invalid"
				u, p, ok := r.BasicAuth()
				if ok && u == user && subtle.ConstantTimeCompare([]byte(p), password) == 1 {
					auth = "valid"
				}
			}
			if auth != "valid" {
				status = http.StatusUnauthorized
			}
			mu.Lock()
			fmt.Fprintf(logOut, "%s %s %s auth=%s status=%d\n", scheme, r.Method, r.URL.Path, auth, status)
			mu.Unlock()
			if status != http.StatusOK {
				w.Header().Set("WWW-Authenticate", `Basic realm="authproxy"`)
				http.Error(w, "authorization required", status)
				return
			}
			files.ServeHTTP(w, r)
		})
	}
	plain, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	secure, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	addrs := fmt.Sprintf("http://%s\nhttps://%s\n", plain.Addr(), secure.Addr())
	if err := os.WriteFile(addrsFile+".tmp", []byte(addrs), 0o644); err != nil {
		return err
	}
	if err := os.Rename(addrsFile+".tmp", addrsFile); err != nil {
		return err
	}
	errs := make(chan error, 2)
	go func() { errs <- http.Serve(plain, handler("http")) }()
	go func() {
		srv := &http.Server{Handler: handler("https"), TLSConfig: &tls.Config{Certificates: []tls.Certificate{cert}},
			ErrorLog: log.New(os.Stderr, "authproxy: ", 0)}
		errs <- srv.ServeTLS(secure, "", "")
	}()
	return <-errs
}

// selfSigned makes a certificate for 127.0.0.1 and localhost, signed by
// itself, and writes it to caFile.
func selfSigned(caFile string) (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano()),
		Subject:               pkix.Name{CommonName: "authproxy test CA"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1")},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, err
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	if err := os.WriteFile(caFile, certPEM, 0o644); err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, nil
}
