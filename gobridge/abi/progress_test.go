package main

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/nix-gograph/nix-gograph/gobridge/graph"
)

// TestSteps: what the shim's callback receives for each use of a plan's
// steps. Every step begun is ended exactly once (by its stop or by
// stopAll), and a sender that panics (it stands for the C callback) never
// stops planning.
func TestSteps(t *testing.T) {
	tests := []struct {
		name   string
		use    func(s *steps)
		panics bool // the sender panics on every event
		want   []string
	}{
		{"start and stop", func(s *steps) {
			stop := s.Start(graph.LevelInfo, "fetching a@v1 (1/2)")
			stop()
			s.Start(graph.LevelTalkative, "planning x: running go")()
		}, false, []string{"start 1 3 fetching a@v1 (1/2)", "stop 1 3 ", "start 2 4 planning x: running go", "stop 2 4 "}},
		{"stop twice", func(s *steps) {
			stop := s.Start(graph.LevelInfo, "a")
			stop()
			stop()
		}, false, []string{"start 1 3 a", "stop 1 3 "}},
		{"stopAll ends what is open", func(s *steps) {
			s.Start(graph.LevelInfo, "a")
			stop := s.Start(graph.LevelInfo, "b")
			stop()
			s.stopAll()
			s.stopAll()
		}, false, []string{"start 1 3 a", "start 2 3 b", "stop 2 3 ", "stop 1 3 "}},
		{"the sender panics", func(s *steps) {
			stop := s.Start(graph.LevelInfo, "a")
			stop()
			s.Start(graph.LevelInfo, "b")
			s.stopAll()
		}, true, []string{"start 1 3 a", "stop 1 3 ", "start 2 3 b", "stop 2 3 "}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			first := lastStep.Load() // step numbers are unique in the process
			s := newSteps(func(event stepEvent, step uint64, level graph.Level, text string) {
				kind := map[stepEvent]string{stepStart: "start", stepStop: "stop"}[event]
				got = append(got, fmt.Sprintf("%s %d %d %s", kind, step-first, level, text))
				if tt.panics {
					panic("the callback failed")
				}
			})
			assert.NotPanics(t, func() { tt.use(s) })
			assert.Equal(t, tt.want, got)
		})
	}

	// No callback (NULL): nothing is sent, and stop is still callable.
	s := newSteps(cProgressSender(nil))
	assert.NotPanics(t, func() {
		s.Start(graph.LevelInfo, "a")()
		s.stopAll()
	})
	assert.Empty(t, s.open)
}
