package plan

// This file keeps error messages small: go's output can be long (a whole
// `go build -n` script is over 100 KB), and a message is shown in a
// terminal, so no planner error carries more than a few KB of it.

import (
	"errors"
	"fmt"
	"unicode/utf8"
)

// maxMessage is the most bytes of an error message kept; longer messages
// lose their middle.
const maxMessage = 4096

// boundMessage returns s if it has at most maxMessage bytes, and otherwise
// its first three quarters and last quarter of that size, cut at line
// breaks where one is near and at UTF-8 boundaries always, joined by a note
// saying how much was left out. The first lines, where go's errors are,
// are kept.
func boundMessage(s string) string {
	if len(s) <= maxMessage {
		return s
	}
	head := cutBack(s, maxMessage*3/4)
	tail := cutForward(s, len(s)-maxMessage/4)
	return fmt.Sprintf("%s\n[… %d bytes left out …]\n%s", s[:head], tail-head, s[tail:])
}

// cutBack returns a cut point at or before at: just after the last newline
// within 512 bytes, else the start of the rune at at.
func cutBack(s string, at int) int {
	for i := at; i > 0 && i > at-512; i-- {
		if s[i-1] == '\n' {
			return i - 1
		}
	}
	for at > 0 && !utf8.RuneStart(s[at]) {
		at--
	}
	return at
}

// cutForward returns a cut point at or after at: just after the first
// newline within 512 bytes, else the start of the next rune.
func cutForward(s string, at int) int {
	for i := at; i < len(s) && i < at+512; i++ {
		if s[i] == '\n' {
			return i + 1
		}
	}
	for at < len(s) && !utf8.RuneStart(s[at]) {
		at++
	}
	return at
}

// boundError returns err with its message bounded (boundMessage): an
// *Error keeps its kind and culprit; any other error too long becomes an
// internal Error.
func boundError(err error) error {
	if err == nil || len(err.Error()) <= maxMessage {
		return err
	}
	var pe *Error
	if errors.As(err, &pe) {
		bounded := *pe
		bounded.Message = boundMessage(err.Error())
		return &bounded
	}
	return &Error{Kind: KindInternal, Message: boundMessage(err.Error())}
}
