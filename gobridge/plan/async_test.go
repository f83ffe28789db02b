package plan

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestAsync(t *testing.T) {
	plain := errors.New("plain")
	tests := []struct {
		name      string
		f         func() error
		wantErr   error
		wantKind  ErrorKind
		wantParts []string
	}{
		{"success", func() error { return nil }, nil, "", nil},
		{"an error is returned as it is", func() error { return plain }, plain, "", nil},
		{"a panic is an internal error with the value and the stack", func() error { panic("boom") }, nil, KindInternal,
			[]string{"panic: boom", "goroutine ", "async_test.go"}},
		{"a runtime error too", func() error {
			var m map[string]int
			m["x"] = 1
			return nil
		}, nil, KindInternal, []string{"assignment to entry in nil map", "async_test.go"}},
	}
	for _, tt := range tests {
		wait := Async(tt.f)
		err := wait()
		assert.Equal(t, err, wait(), "%s: a second wait returns the same error", tt.name)
		if tt.wantKind == "" {
			assert.Equal(t, tt.wantErr, err, tt.name)
			continue
		}
		var pe *Error
		if assert.ErrorAs(t, err, &pe, tt.name) {
			assert.Equal(t, tt.wantKind, pe.Kind, tt.name)
			for _, part := range tt.wantParts {
				assert.Contains(t, pe.Message, part, tt.name)
			}
		}
	}
}

// TestAsyncRunsConcurrently checks that the functions run at once: each
// waits for the other to start.
func TestAsyncRunsConcurrently(t *testing.T) {
	a, b := make(chan struct{}), make(chan struct{})
	waitA := Async(func() error { close(a); <-b; return nil })
	waitB := Async(func() error { close(b); <-a; return nil })
	assert.NoError(t, waitA())
	assert.NoError(t, waitB())
}
