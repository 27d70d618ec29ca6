package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/gridsweep/gridsweep/data"
)

// runToken handles "gridsweep token create --role R --area A [--worker W]": it prints a new
// API token once; only its hash is stored.
func runToken(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "list":
			return runTokenList(ctx, args[1:], stdout, stderr)
		case "revoke":
			return runTokenRevoke(ctx, args[1:], stdout, stderr)
		}
	}
	if len(args) == 0 || args[0] != "create" {
		return usageErrorf("gridsweep token create --role supervisor|worker|viewer --area AREA [--worker ID] [--label TEXT] [--expires 30d|12h|TIME|never] [--origins URL,URL]\n" +
			"       gridsweep token list [--area AREA] [--active]\n       gridsweep token revoke ID")
	}
	fs := newFlags("token create", stderr)
	roleFlag := fs.String("role", "", "supervisor, worker or viewer")
	areaFlag := fs.String("area", "", "area id, source id or name the token is scoped to")
	workerFlag := fs.Int64("worker", 0, "worker id (worker tokens only)")
	labelFlag := fs.String("label", "", "a note saying who holds the token")
	expiresFlag := fs.String("expires", "", "lifetime: 30d, 12h, 90m, an RFC 3339 time or never (worker tokens default to 90d, others never)")
	originsFlag := fs.String("origins", "", "viewer tokens: comma-separated browser origins (https://dash.example) that may use the token and frame its embed; default any")
	dbFlag := databaseFlag(fs)
	pos, err := parseFlags(fs, args[1:])
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageErrorf("unexpected argument %q", pos[0])
	}
	if *roleFlag == "" || *areaFlag == "" {
		return usageErrorf("--role and --area are required")
	}
	var expiresAt *time.Time
	var noExpiry bool
	if *expiresFlag != "" {
		if expiresAt, noExpiry, err = data.ParseTokenExpiry(*expiresFlag, time.Now()); err != nil {
			return usageErrorf("--expires: %v", err)
		}
	}
	if *dbFlag == "" {
		return usageErrorf("set DATABASE_URL or --db")
	}
	store, err := data.Open(ctx, *dbFlag)
	if err != nil {
		return err
	}
	defer store.Close()
	area, err := store.AreaIDByRef(ctx, *areaFlag)
	if err != nil {
		return err
	}
	secret, tok, err := store.CreateTokenForOrigins(ctx, data.NewTokenParams{
		Role: *roleFlag, AreaID: area, WorkerID: *workerFlag, Label: *labelFlag,
		ExpiresAt: expiresAt, NoExpiry: noExpiry,
	}, splitList(*originsFlag))
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "token %d: role %s, area %d", tok.ID, tok.Role, tok.AreaID)
	if tok.WorkerID != 0 {
		fmt.Fprintf(stderr, ", worker %d", tok.WorkerID)
	}
	if tok.ExpiresAt != nil {
		fmt.Fprintf(stderr, ", expires %s", tok.ExpiresAt.UTC().Format(time.RFC3339))
	}
	fmt.Fprintln(stderr, " (shown once; store it now)")
	fmt.Fprintln(stdout, secret)
	return nil
}
