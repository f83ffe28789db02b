package graph

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestInterrupt: Interrupt cancels every plan in flight and none that is
// over or starts later.
func TestInterrupt(t *testing.T) {
	first, doneFirst := interruptible(context.Background())
	second, doneSecond := interruptible(context.Background())
	over, doneOver := interruptible(context.Background())
	doneOver()
	assert.ErrorIs(t, over.Err(), context.Canceled, "a finished plan's context is released")
	Interrupt()
	assert.ErrorIs(t, first.Err(), context.Canceled)
	assert.ErrorIs(t, second.Err(), context.Canceled)
	doneFirst()
	doneSecond()
	later, doneLater := interruptible(context.Background())
	defer doneLater()
	assert.NoError(t, later.Err(), "an interruption does not outlive the plans it stopped")
	inFlight.Lock()
	defer inFlight.Unlock()
	assert.Len(t, inFlight.cancel, 1)
}
