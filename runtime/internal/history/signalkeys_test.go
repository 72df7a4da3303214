package history

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestSignalKeysKeepTheNewest: beyond MaxSignalKeys the oldest key is
// forgotten, and the keys survive an encoding round trip.
func TestSignalKeysKeepTheNewest(t *testing.T) {
	t.Parallel()
	var s State
	for i := range MaxSignalKeys + 5 {
		s.AddSignalKey("k" + strconv.Itoa(i))
	}
	require.Len(t, s.SignalKeys, MaxSignalKeys)
	require.False(t, s.HasSignalKey("k4"))
	require.True(t, s.HasSignalKey("k5"))
	require.True(t, s.HasSignalKey("k"+strconv.Itoa(MaxSignalKeys+4)))
	data, err := s.Marshal()
	require.NoError(t, err)
	back, err := Unmarshal(data)
	require.NoError(t, err)
	require.Equal(t, s.SignalKeys, back.SignalKeys)
}
