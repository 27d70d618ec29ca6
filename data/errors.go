package data

import (
	"errors"
	"io"
	"net"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
)

// Errors the store returns so that its callers (the HTTP layer, the command line) can
// answer with the right problem without inspecting SQL state codes themselves.
var (
	// ErrRecordNotFound: no row has that id (or it is outside the caller's filter).
	ErrRecordNotFound = errors.New("data: record not found")
	// ErrStaleVersion: an optimistic-locking update named a version that is no longer current.
	ErrStaleVersion = errors.New("data: stale version")
	// ErrInUse: a delete was refused because other rows still refer to the record.
	ErrInUse = errors.New("data: record is still referenced")
	// ErrBadReference: an insert or update names a related record that does not exist.
	ErrBadReference = errors.New("data: referenced record does not exist")
	// ErrInvalidValue: the database refused a value (a CHECK constraint or an invalid geometry).
	ErrInvalidValue = errors.New("data: invalid value")
)

// classifyPgError maps PostgreSQL errors a client can act on to the sentinels above,
// keeping the original as detail. Other errors are returned unchanged.
func classifyPgError(err error) error {
	var pg *pgconn.PgError
	if !errors.As(err, &pg) {
		return err
	}
	switch {
	// PostgreSQL words a violation caused by deleting a referenced row "update or delete on
	// table ...", one caused by a dangling reference "insert or update on table ...".
	case pg.Code == "23503" && strings.HasPrefix(pg.Message, "update or delete on table"):
		return errors.Join(ErrInUse, err)
	case pg.Code == "23503":
		return errors.Join(ErrBadReference, err)
	// Class 22 (data exception) is a value the client sent, e.g. 22021 for a NUL byte in
	// a text field, which PostgreSQL cannot store: a 422, not a 500.
	case pg.Code == "23514", strings.HasPrefix(pg.Code, "22"), pg.Code == "XX000" && pg.Routine == "lwgeom_from_geojson":
		return errors.Join(ErrInvalidValue, err)
	}
	return err
}

// IsUnavailable reports whether err means PostgreSQL could not be reached or went away
// mid-request: a refused or failed connection, a session the server terminated (class 57,
// e.g. 57P01 admin_shutdown during a stop) or a connection exception (class 08). Such a
// request was fine and may succeed once the database is back.
func IsUnavailable(err error) bool {
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		return true
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return strings.HasPrefix(pg.Code, "57") || strings.HasPrefix(pg.Code, "08")
	}
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, io.ErrUnexpectedEOF) || pgconn.SafeToRetry(err)
}
