package plancache

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCache(t *testing.T) {
	k1, k2 := NewKey([]byte("a"), []byte("b")), NewKey([]byte("ab"))
	require.NotEqual(t, k1, k2, "parts are length-prefixed")
	tests := []struct {
		name   string
		damage func(t *testing.T, file string) // nil: the file as written
		hit    bool
	}{
		{"kept", nil, true},
		{"truncated header", func(t *testing.T, f string) {
			require.NoError(t, os.WriteFile(f, []byte("nix-gograph plan v1 "), 0o644))
		}, false},
		{"another key's file", func(t *testing.T, f string) {
			require.NoError(t, os.WriteFile(f, []byte(header+k2.String()+"\n{}"), 0o644))
		}, false},
		{"removed", func(t *testing.T, f string) { require.NoError(t, os.Remove(f)) }, false},
		{"the plan altered", func(t *testing.T, f string) {
			data, err := os.ReadFile(f)
			require.NoError(t, err)
			data[len(data)-1] = 'X'
			require.NoError(t, os.WriteFile(f, data, 0o600))
		}, false},
		{"writable by others", func(t *testing.T, f string) { require.NoError(t, os.Chmod(f, 0o666)) }, false},
		{"a symlink to a plan", func(t *testing.T, f string) {
			require.NoError(t, os.Rename(f, f+".real"))
			require.NoError(t, os.Symlink(f+".real", f))
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			(&Cache{Dir: dir}).Put(k1, []byte("plan"))
			if tt.damage != nil {
				tt.damage(t, filepath.Join(dir, k1.String()))
			}
			// Another process: only the file counts.
			got, ok := (&Cache{Dir: dir}).Get(k1)
			assert.Equal(t, tt.hit, ok)
			if tt.hit {
				assert.Equal(t, "plan", string(got))
			}
		})
	}
}

func TestCacheRemove(t *testing.T) {
	dir := t.TempDir()
	k := NewKey([]byte("k"))
	c := &Cache{Dir: dir}
	c.Put(k, []byte("plan"))
	c.Remove(k)
	_, ok := c.Get(k)
	assert.False(t, ok)
	var none *Cache
	none.Put(k, []byte("plan"))
	_, ok = none.Get(k)
	assert.False(t, ok, "a nil cache keeps nothing")
}

func TestCacheMemoryOnly(t *testing.T) {
	c := &Cache{}
	var keys []Key
	for i := range memoryEntries + 1 {
		k := NewKey([]byte{byte(i)})
		keys = append(keys, k)
		c.Put(k, []byte{byte(i)})
	}
	_, ok := c.Get(keys[0])
	assert.False(t, ok, "the oldest plan is forgotten")
	got, ok := c.Get(keys[memoryEntries])
	assert.True(t, ok)
	assert.Equal(t, []byte{byte(memoryEntries)}, got)
}

func TestCacheTrim(t *testing.T) {
	dir := t.TempDir()
	c := &Cache{Dir: dir}
	for i := range diskEntries + 3 {
		c.Put(NewKey([]byte{byte(i), byte(i >> 8)}), []byte("p"))
	}
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, diskEntries)
}
