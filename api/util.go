package api

import (
	"crypto/rand"
	"encoding/hex"
	"strconv"
)

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// randomHex returns n random bytes as hex, for generated source ids.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
