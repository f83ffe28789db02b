// Command abi is the C ABI of nix-gograph's Go half, built with
// -buildmode=c-archive and linked into the Nix plugin. It is deliberately
// tiny: JSON in, JSON out, C strings freed by GoGraphFree (see docs/abi.md).
package main

/*
#include <stdlib.h>

// GoGraphProgressFn receives the steps of planning as they happen
// (docs/abi.md, "Progress"): event GoGraphStepStart begins step (a number
// unique in the process) at level (Nix's Verbosity) described by text,
// GoGraphStepStop ends it (text is empty). It may be called from any
// thread while GoGraphPlan runs, must not throw, and text is valid only
// during the call.
typedef void (*GoGraphProgressFn)(int event, unsigned long long step, int level, const char *text);
enum { GoGraphStepStart = 0, GoGraphStepStop = 1 };
*/
import "C"

import (
	"encoding/json"
	"fmt"
	"runtime/debug"
	"unsafe"

	pointer "github.com/mattn/go-pointer"

	"github.com/nix-gograph/nix-gograph/gobridge/graph"
	"github.com/nix-gograph/nix-gograph/gobridge/plan"
)

// GoGraphNewPlanner returns an opaque handle to a planner that lives for the
// rest of the process; C++ passes it back to GoGraphPlan.
//
//export GoGraphNewPlanner
func GoGraphNewPlanner() unsafe.Pointer {
	return pointer.Save(graph.NewPlanner())
}

// GoGraphPlan plans the request (JSON) with the planner behind handle and
// returns the JSON response, allocated with malloc; free it with GoGraphFree.
// While it plans, it reports each step to progress (if not NULL), from any
// thread, and ends every step it began before returning. It never returns
// NULL and never panics: a panic becomes an "internal" error.
//
//export GoGraphPlan
func GoGraphPlan(handle unsafe.Pointer, request *C.char, progress C.GoGraphProgressFn) (out *C.char) {
	steps := newSteps(cProgressSender(progress))
	defer steps.stopAll()
	defer func() {
		if r := recover(); r != nil {
			out = C.CString(errorJSON(fmt.Sprintf("gobridge: internal error: %v\n%s", r, debug.Stack())))
		}
	}()
	planner, ok := pointer.Restore(handle).(*graph.Planner)
	if !ok || planner == nil {
		return C.CString(errorJSON("gobridge: invalid planner handle"))
	}
	return C.CString(string(planner.PlanJSONProgress([]byte(C.GoString(request)), steps)))
}

// GoGraphInterrupt cancels every GoGraphPlan in progress, on any thread:
// the processes they started are killed, their scratch directories
// removed, and they return an "interrupted" error. The shim calls it from
// Nix's interrupt callback (Ctrl-C). It returns at once and may be called
// from any thread, but not from a signal handler.
//
//export GoGraphInterrupt
func GoGraphInterrupt() {
	graph.Interrupt()
}

// GoGraphFree frees a string returned by GoGraphPlan.
//
//export GoGraphFree
func GoGraphFree(s *C.char) {
	C.free(unsafe.Pointer(s))
}

func errorJSON(msg string) string {
	b, _ := json.Marshal(&graph.Response{Error: &graph.ErrorInfo{Kind: plan.KindInternal, Message: msg}})
	return string(b)
}

func main() {}
