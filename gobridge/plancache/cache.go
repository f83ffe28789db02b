package plancache

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"
)

// Key names a plan: a digest of everything it is a function of (NewKey).
type Key [sha256.Size]byte

// NewKey is the key of the parts, each length-prefixed so that no two lists
// of parts give the same key.
func NewKey(parts ...[]byte) Key {
	h := sha256.New()
	var n [8]byte
	for _, p := range parts {
		binary.BigEndian.PutUint64(n[:], uint64(len(p)))
		h.Write(n[:])
		h.Write(p)
	}
	var k Key
	h.Sum(k[:0])
	return k
}

// String is k in hexadecimal, the name of its plan file.
func (k Key) String() string { return hex.EncodeToString(k[:]) }

// Limits on what a Cache keeps: plans in memory, and plan files in Dir
// (the least recently used are removed first).
const (
	memoryEntries = 8
	diskEntries   = 64
	maxPlanFile   = 256 << 20
)

// Cache keeps plans (opaque bytes) by key: the last few in memory, and,
// when Dir is set, every plan in a file of its own there, so that the next
// evaluation (another process) finds them. A plan file is written
// atomically and carries its key and the sha256 of the plan; one that does
// not match, is not a regular file owned by this user and writable by no
// one else, or is too large, is a miss. A nil *Cache keeps nothing. It is
// safe for concurrent use.
type Cache struct {
	// Dir is where plans are kept between processes; "" keeps them in
	// memory only.
	Dir string

	mu     sync.Mutex
	memory map[Key][]byte
	recent []Key // oldest first
}

// header starts every plan file, followed by the file's key and the
// plan's sha256, each in hexadecimal and followed by a newline.
const header = "nix-gograph plan v1\n"

func fileHeader(k Key, v []byte) []byte {
	sum := sha256.Sum256(v)
	return []byte(header + k.String() + "\n" + hex.EncodeToString(sum[:]) + "\n")
}

// Get returns the plan kept under k.
func (c *Cache) Get(k Key) ([]byte, bool) {
	if c == nil {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if v, ok := c.memory[k]; ok {
		return v, true
	}
	if c.Dir == "" {
		return nil, false
	}
	file := c.file(k)
	data, err := ReadOwnFile(file, maxPlanFile)
	if err != nil {
		return nil, false
	}
	headerLen := len(header) + 2*(2*sha256.Size+1)
	if len(data) < headerLen {
		return nil, false
	}
	v := data[headerLen:]
	if !bytes.Equal(data[:headerLen], fileHeader(k, v)) {
		return nil, false
	}
	now := time.Now()
	os.Chtimes(file, now, now) // recently used: removed last
	c.remember(k, v)
	return v, true
}

// Put keeps v under k. Failing to write the file is harmless: the plan is
// made again next time.
func (c *Cache) Put(k Key, v []byte) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.remember(k, v)
	if c.Dir == "" || os.MkdirAll(c.Dir, 0o700) != nil {
		return
	}
	if WriteOwnFile(c.file(k), append(fileHeader(k, v), v...)) == nil {
		c.trim()
	}
}

// Remove forgets the plan kept under k (one that turned out unusable).
func (c *Cache) Remove(k Key) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.memory[k]; ok {
		delete(c.memory, k)
		c.recent = slices.DeleteFunc(c.recent, func(x Key) bool { return x == k })
	}
	if c.Dir != "" {
		os.Remove(c.file(k))
	}
}

func (c *Cache) file(k Key) string { return filepath.Join(c.Dir, k.String()) }

// remember keeps v in memory, forgetting the oldest plan beyond the limit.
func (c *Cache) remember(k Key, v []byte) {
	if c.memory == nil {
		c.memory = map[Key][]byte{}
	}
	if _, ok := c.memory[k]; !ok {
		c.recent = append(c.recent, k)
	}
	c.memory[k] = v
	if len(c.recent) > memoryEntries {
		delete(c.memory, c.recent[0])
		c.recent = c.recent[1:]
	}
}

// trim removes the least recently used plan files beyond diskEntries.
func (c *Cache) trim() {
	entries, err := os.ReadDir(c.Dir)
	if err != nil || len(entries) <= diskEntries {
		return
	}
	type aged struct {
		name string
		mod  time.Time
	}
	var files []aged
	for _, e := range entries {
		if info, err := e.Info(); err == nil && info.Mode().IsRegular() {
			files = append(files, aged{e.Name(), info.ModTime()})
		}
	}
	slices.SortFunc(files, func(a, b aged) int { return a.mod.Compare(b.mod) })
	for _, f := range files[:max(0, len(files)-diskEntries)] {
		os.Remove(filepath.Join(c.Dir, f.name))
	}
}
