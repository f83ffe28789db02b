package main

// This file calls the shim's progress callback (GoGraphProgressFn, declared
// in abi.go's preamble). It exports nothing, so its preamble may define the
// trampoline Go needs to call a C function pointer.

/*
#include <stdlib.h>

typedef void (*GoGraphProgressFn)(int event, unsigned long long step, int level, const char *text);
enum { GoGraphStepStart = 0, GoGraphStepStop = 1 };

static void gographCallProgress(GoGraphProgressFn fn, int event, unsigned long long step, int level, const char *text)
{
	fn(event, step, level, text);
}
*/
import "C"

import (
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/nix-gograph/nix-gograph/gobridge/graph"
)

// stepEvent is GoGraphStepStart or GoGraphStepStop.
type stepEvent int

const (
	stepStart stepEvent = C.GoGraphStepStart
	stepStop  stepEvent = C.GoGraphStepStop
)

// progressSender delivers one event to the shim.
type progressSender func(event stepEvent, step uint64, level graph.Level, text string)

// cProgressSender is a sender calling fn, or nil for a NULL fn.
func cProgressSender(fn C.GoGraphProgressFn) progressSender {
	if fn == nil {
		return nil
	}
	return func(event stepEvent, step uint64, level graph.Level, text string) {
		ctext := C.CString(text)
		defer C.free(unsafe.Pointer(ctext))
		C.gographCallProgress(fn, C.int(event), C.ulonglong(step), C.int(level), ctext)
	}
}

// lastStep numbers the steps of every plan, so the shim can tell the steps
// of plans running at once apart.
var lastStep atomic.Uint64

// steps is the graph.Progress of one GoGraphPlan: it numbers the steps,
// sends each start and stop once, remembers the steps begun and not
// ended, and never lets a failing sender stop planning.
type steps struct {
	send progressSender // nil: report nothing
	mu   sync.Mutex
	open map[uint64]graph.Level
}

func newSteps(send progressSender) *steps {
	return &steps{send: send, open: map[uint64]graph.Level{}}
}

// Start sends the start of a new step and returns the function sending
// its stop (once, however often it is called).
func (s *steps) Start(level graph.Level, text string) (stop func()) {
	if s.send == nil {
		return func() {}
	}
	id := lastStep.Add(1)
	s.mu.Lock()
	s.open[id] = level
	s.mu.Unlock()
	s.deliver(stepStart, id, level, text)
	return func() { s.stop(id) }
}

// stop sends the stop of step id if it is still open.
func (s *steps) stop(id uint64) {
	s.mu.Lock()
	level, open := s.open[id]
	delete(s.open, id)
	s.mu.Unlock()
	if open {
		s.deliver(stepStop, id, level, "")
	}
}

// stopAll ends the steps still open: a plan that failed (or panicked)
// half-way through leaves nothing running in Nix's progress bar.
func (s *steps) stopAll() {
	s.mu.Lock()
	ids := make([]uint64, 0, len(s.open))
	for id := range s.open {
		ids = append(ids, id)
	}
	s.mu.Unlock()
	for _, id := range ids {
		s.stop(id)
	}
}

// deliver sends one event; a panic in the sender is dropped, as a report
// that cannot be made is not worth a failed plan.
func (s *steps) deliver(event stepEvent, id uint64, level graph.Level, text string) {
	defer func() { recover() }()
	s.send(event, id, level, text)
}
