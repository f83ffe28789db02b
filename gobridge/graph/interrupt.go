package graph

import (
	"context"
	"sync"
)

// inFlight holds the cancel function of every plan running now.
var inFlight struct {
	sync.Mutex
	next   int
	cancel map[int]context.CancelFunc
}

// Interrupt cancels every plan in flight: their processes are killed and
// they return an error of kind plan.KindInterrupted. The shim calls it
// (GoGraphInterrupt) when Nix is interrupted; it is safe from any thread
// and returns at once.
func Interrupt() {
	inFlight.Lock()
	defer inFlight.Unlock()
	for _, cancel := range inFlight.cancel {
		cancel()
	}
}

// interruptible returns a context of parent that Interrupt cancels, and
// the function to call when the plan is over.
func interruptible(parent context.Context) (context.Context, func()) {
	ctx, cancel := context.WithCancel(parent)
	inFlight.Lock()
	defer inFlight.Unlock()
	if inFlight.cancel == nil {
		inFlight.cancel = map[int]context.CancelFunc{}
	}
	id := inFlight.next
	inFlight.next++
	inFlight.cancel[id] = cancel
	return ctx, func() {
		inFlight.Lock()
		delete(inFlight.cancel, id)
		inFlight.Unlock()
		cancel()
	}
}
