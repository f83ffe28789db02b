package plan

// This file runs the planner's concurrent work (go env, go list and go
// build -n at once) in goroutines that recover: a panic in a goroutine is
// not caught by the recover of the C ABI's entry points, and would abort
// the whole nix process.

import (
	"fmt"
	"runtime/debug"
)

// Async runs f in a new goroutine and returns a function that waits for it
// and returns f's error. A panic in f is recovered and returned as an Error
// of kind KindInternal whose message holds the panic value and the stack
// of the goroutine that panicked. The wait function may be called more
// than once; it returns the same error each time.
func Async(f func() error) (wait func() error) {
	done := make(chan struct{})
	var err error
	go func() {
		defer close(done)
		defer func() {
			if r := recover(); r != nil {
				err = &Error{Kind: KindInternal,
					Message: fmt.Sprintf("plan: internal error: panic: %v\n%s", r, debug.Stack())}
			}
		}()
		err = f()
	}()
	return func() error {
		<-done
		return err
	}
}
