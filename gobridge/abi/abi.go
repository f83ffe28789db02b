// Command abi is the C ABI of nix-gograph's Go half, built with
// -buildmode=c-archive and linked into the Nix plugin. It is deliberately
// tiny: JSON in, JSON out, C strings freed by GoGraphFree (see docs/abi.md).
package main

/*
#include <stdlib.h>
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
// It never returns NULL and never panics: a panic becomes an "internal" error.
//
//export GoGraphPlan
func GoGraphPlan(handle unsafe.Pointer, request *C.char) (out *C.char) {
	defer func() {
		if r := recover(); r != nil {
			out = C.CString(errorJSON(fmt.Sprintf("gobridge: internal error: %v\n%s", r, debug.Stack())))
		}
	}()
	planner, ok := pointer.Restore(handle).(*graph.Planner)
	if !ok || planner == nil {
		return C.CString(errorJSON("gobridge: invalid planner handle"))
	}
	return C.CString(string(planner.PlanJSON([]byte(C.GoString(request)))))
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
