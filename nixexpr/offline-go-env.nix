# The environment of a derivation running plain `go build` on a source tree
# with every module already on disk: no cgo, this toolchain only, go.mod as
# written, no network, no workspace, no user go env file.
{
  CGO_ENABLED = "0";
  GOTOOLCHAIN = "local";
  GOFLAGS = "-mod=readonly";
  GOPROXY = "off";
  GOWORK = "off";
  GOENV = "off";
}
