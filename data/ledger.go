package data

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/gridsweep/gridsweep/fieldwork"
)

// Shop statuses of the ledger, in the order a shop usually moves through them.
const (
	ShopClosed    = "closed"
	ShopPreparing = "preparing"
	ShopOpen      = "open"
	ShopMoved     = "moved"
	ShopUnknown   = "unknown"
)

// ShopStatuses lists the ledger statuses (the tables check the same list).
func ShopStatuses() []string {
	return []string{ShopClosed, ShopPreparing, ShopOpen, ShopMoved, ShopUnknown}
}

// NeedTags lists the need tags a ledger entry may carry (the tables check the same list).
func NeedTags() []string {
	return []string{"masks", "disinfectant", "staff", "loans", "permits"}
}

// LedgerInput is one check-in at a shop that may change its ledger. Nil Status, NeedTags
// and Needs leave the current value unchanged; Documents are added to the shop's list.
type LedgerInput struct {
	ClientKey string
	ShopID    int64
	// WorkerID is nil for an entry a supervisor makes without a worker.
	WorkerID   *int64
	TokenID    int64
	ObservedAt time.Time
	Status     *string
	NeedTags   []string
	Needs      *string
	Documents  []string
	Note       string
}

// LedgerResult says what happened to one ledger check-in: VisitCreated, VisitDuplicate or
// VisitKeyTaken, as for visits.
type LedgerResult struct {
	ClientKey string `json:"client_key"`
	EventID   int64  `json:"event_id,omitempty"`
	Status    string `json:"status"`
}

// ledgerState is a shop's current ledger row.
type ledgerState struct {
	status     string
	needTags   []string
	needs      string
	documents  []string
	note       string
	observedAt time.Time
	exists     bool
}

// RecordLedger stores a batch of ledger check-ins in one transaction: each becomes an
// event (at most once per client key) and updates the shop's current state, unless a
// newer observation is already there. A worker's check-in also counts as a visit of the
// shop (client key "ledger:<key>"), so coverage sees it. A shop that does not exist fails
// the whole batch (ErrBadReference), so a phone keeps its queue.
func (s *Store) RecordLedger(ctx context.Context, in []LedgerInput) ([]LedgerResult, error) {
	out := make([]LedgerResult, len(in))
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		for i, v := range in {
			res, err := recordLedgerOne(ctx, tx, v)
			if err != nil {
				return err
			}
			out[i] = res
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("record ledger: %w", classifyPgError(err))
	}
	return out, nil
}

func recordLedgerOne(ctx context.Context, tx pgx.Tx, v LedgerInput) (LedgerResult, error) {
	res := LedgerResult{ClientKey: v.ClientKey}
	// Serialise ledger writers of one shop (the state is read, merged and written back);
	// FOR NO KEY UPDATE does not block foreign-key checks of other tables.
	var shop int64
	err := tx.QueryRow(ctx, `SELECT id FROM shops WHERE id = $1 FOR NO KEY UPDATE`, v.ShopID).Scan(&shop)
	if errors.Is(err, pgx.ErrNoRows) {
		return res, fmt.Errorf("shop %d: %w", v.ShopID, ErrBadReference)
	}
	if err != nil {
		return res, fmt.Errorf("lock shop %d: %w", v.ShopID, err)
	}
	var cur ledgerState
	err = tx.QueryRow(ctx, `SELECT status, need_tags, needs, documents, note, observed_at
		FROM shop_ledger WHERE shop_id = $1`, v.ShopID).
		Scan(&cur.status, &cur.needTags, &cur.needs, &cur.documents, &cur.note, &cur.observedAt)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		cur = ledgerState{status: ShopUnknown}
	case err != nil:
		return res, fmt.Errorf("read ledger of shop %d: %w", v.ShopID, err)
	default:
		cur.exists = true
	}
	docs := v.Documents
	if docs == nil {
		docs = []string{}
	}
	var id int64
	err = tx.QueryRow(ctx, `
		INSERT INTO ledger_events (shop_id, client_key, worker_id, token_id, observed_at, status, prev_status, need_tags, needs, documents, note)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
		ON CONFLICT (client_key) DO NOTHING
		RETURNING id`,
		v.ShopID, v.ClientKey, v.WorkerID, v.TokenID, v.ObservedAt, v.Status, cur.status, v.NeedTags, v.Needs, docs, v.Note).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		// Stored before: a replay is a duplicate; the same key from someone else is refused.
		var worker *int64
		var token int64
		if err := tx.QueryRow(ctx, `SELECT id, worker_id, token_id FROM ledger_events WHERE client_key = $1`, v.ClientKey).
			Scan(&res.EventID, &worker, &token); err != nil {
			return res, fmt.Errorf("look up ledger key %q: %w", v.ClientKey, err)
		}
		same := (worker == nil && v.WorkerID == nil && token == v.TokenID) ||
			(worker != nil && v.WorkerID != nil && *worker == *v.WorkerID)
		if !same {
			res.EventID, res.Status = 0, VisitKeyTaken
			return res, nil
		}
		res.Status = VisitDuplicate
		return res, nil
	}
	if err != nil {
		return res, fmt.Errorf("insert ledger event for shop %d: %w", v.ShopID, err)
	}
	res.EventID, res.Status = id, VisitCreated

	next := cur
	if !cur.exists || !v.ObservedAt.Before(cur.observedAt) {
		if v.Status != nil {
			next.status = *v.Status
		}
		if v.NeedTags != nil {
			next.needTags = v.NeedTags
		}
		if v.Needs != nil {
			next.needs = *v.Needs
		}
		if v.Note != "" {
			next.note = v.Note
		}
		next.observedAt = v.ObservedAt
	}
	// Documents delivered stay delivered, whatever the order the check-ins arrive in.
	for _, d := range v.Documents {
		if !slices.Contains(next.documents, d) {
			next.documents = append(next.documents, d)
		}
	}
	if next.needTags == nil {
		next.needTags = []string{}
	}
	if next.documents == nil {
		next.documents = []string{}
	}
	_, err = tx.Exec(ctx, `
		INSERT INTO shop_ledger (shop_id, status, need_tags, needs, documents, note, observed_at, last_event, events)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1)
		ON CONFLICT (shop_id) DO UPDATE SET status = EXCLUDED.status, need_tags = EXCLUDED.need_tags,
			needs = EXCLUDED.needs, documents = EXCLUDED.documents, note = EXCLUDED.note,
			observed_at = EXCLUDED.observed_at, last_event = EXCLUDED.last_event, events = shop_ledger.events + 1`,
		v.ShopID, next.status, next.needTags, next.needs, next.documents, next.note, next.observedAt, id)
	if err != nil {
		return res, fmt.Errorf("update ledger of shop %d: %w", v.ShopID, err)
	}
	if v.WorkerID != nil {
		if _, err := tx.Exec(ctx, `INSERT INTO visits (client_key, worker_id, shop_id, visited_at)
			VALUES ($1, $2, $3, $4) ON CONFLICT (client_key) DO NOTHING`,
			"ledger:"+v.ClientKey, *v.WorkerID, v.ShopID, v.ObservedAt); err != nil {
			return res, fmt.Errorf("visit for ledger check-in %q: %w", v.ClientKey, err)
		}
	}
	return res, nil
}

// LedgerFilter narrows ListLedger; empty fields do not filter. Area is required.
type LedgerFilter struct {
	Area     int64
	Status   string
	Category string
	Need     string
}

// ListLedger returns the ledger of the shops inside the filter's area, in shop id order.
func (s *Store) ListLedger(ctx context.Context, f LedgerFilter, page ListPage) ([]fieldwork.LedgerEntry, error) {
	q := `SELECT p.id, p.name, p.category, p.address, coalesce(l.status, 'unknown'), coalesce(l.need_tags, '{}'),
			coalesce(l.needs, ''), coalesce(l.documents, '{}'), coalesce(l.note, ''), l.observed_at, coalesce(l.events, 0)
		FROM shops p JOIN areas a ON a.id = $1 AND p.geom && a.geom AND ST_Intersects(p.geom, a.geom)
		LEFT JOIN shop_ledger l ON l.shop_id = p.id
		WHERE p.id > $2`
	args := []any{f.Area, page.After, page.Limit}
	if f.Status != "" {
		args = append(args, f.Status)
		q += fmt.Sprintf(` AND coalesce(l.status, 'unknown') = $%d`, len(args))
	}
	if f.Category != "" {
		args = append(args, f.Category)
		q += fmt.Sprintf(` AND p.category = $%d`, len(args))
	}
	if f.Need != "" {
		args = append(args, f.Need)
		q += fmt.Sprintf(` AND l.need_tags @> ARRAY[$%d::text]`, len(args))
	}
	q += ` ORDER BY p.id LIMIT $3`
	rows, err := s.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list ledger of area %d: %w", f.Area, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (fieldwork.LedgerEntry, error) {
		var e fieldwork.LedgerEntry
		err := r.Scan(&e.ShopID, &e.Name, &e.Category, &e.Address, &e.Status, &e.NeedTags, &e.Needs,
			&e.Documents, &e.Note, &e.ObservedAt, &e.Events)
		return e, err
	})
	if err != nil {
		return nil, fmt.Errorf("list ledger of area %d: %w", f.Area, err)
	}
	return out, nil
}

// ListAllLedger returns every page of ListLedger (exports).
func (s *Store) ListAllLedger(ctx context.Context, f LedgerFilter) ([]fieldwork.LedgerEntry, error) {
	var all []fieldwork.LedgerEntry
	for page := (ListPage{Limit: 1000}); ; {
		items, err := s.ListLedger(ctx, f, page)
		if err != nil {
			return nil, err
		}
		all = append(all, items...)
		if len(items) < page.Limit {
			return all, nil
		}
		page.After = items[len(items)-1].ShopID
	}
}

// LedgerEvent is one entry of a shop's history.
type LedgerEvent struct {
	ID         int64     `json:"id"`
	WorkerID   *int64    `json:"worker_id"`
	ObservedAt time.Time `json:"observed_at"`
	ReceivedAt time.Time `json:"received_at"`
	Status     *string   `json:"status"`
	PrevStatus string    `json:"prev_status"`
	NeedTags   []string  `json:"need_tags"`
	Needs      *string   `json:"needs"`
	Documents  []string  `json:"documents"`
	Note       string    `json:"note"`
}

// ShopLedger returns a shop's current ledger entry and its whole history, oldest first.
func (s *Store) ShopLedger(ctx context.Context, shop int64) (fieldwork.LedgerEntry, []LedgerEvent, error) {
	var e fieldwork.LedgerEntry
	err := s.pool.QueryRow(ctx, `SELECT p.id, p.name, p.category, p.address, coalesce(l.status, 'unknown'),
			coalesce(l.need_tags, '{}'), coalesce(l.needs, ''), coalesce(l.documents, '{}'), coalesce(l.note, ''),
			l.observed_at, coalesce(l.events, 0)
		FROM shops p LEFT JOIN shop_ledger l ON l.shop_id = p.id WHERE p.id = $1`, shop).
		Scan(&e.ShopID, &e.Name, &e.Category, &e.Address, &e.Status, &e.NeedTags, &e.Needs, &e.Documents, &e.Note, &e.ObservedAt, &e.Events)
	if errors.Is(err, pgx.ErrNoRows) {
		return e, nil, fmt.Errorf("shop %d: %w", shop, ErrRecordNotFound)
	}
	if err != nil {
		return e, nil, fmt.Errorf("ledger of shop %d: %w", shop, err)
	}
	rows, err := s.pool.Query(ctx, `SELECT id, worker_id, observed_at, created_at, status, prev_status, need_tags, needs, documents, note
		FROM ledger_events WHERE shop_id = $1 ORDER BY observed_at, id`, shop)
	if err != nil {
		return e, nil, fmt.Errorf("history of shop %d: %w", shop, err)
	}
	hist, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (LedgerEvent, error) {
		var ev LedgerEvent
		err := r.Scan(&ev.ID, &ev.WorkerID, &ev.ObservedAt, &ev.ReceivedAt, &ev.Status, &ev.PrevStatus, &ev.NeedTags, &ev.Needs, &ev.Documents, &ev.Note)
		return ev, err
	})
	if err != nil {
		return e, nil, fmt.Errorf("history of shop %d: %w", shop, err)
	}
	return e, hist, nil
}

// StatusCounts counts an area's shops by ledger status at one instant.
type StatusCounts struct {
	At        time.Time `json:"at"`
	Closed    int       `json:"closed"`
	Preparing int       `json:"preparing"`
	Open      int       `json:"open"`
	Moved     int       `json:"moved"`
	Unknown   int       `json:"unknown"`
}

// LedgerSummary is an area's reopening progress: the shops' statuses now and at earlier
// instants, from the history (a shop's status at an instant is its latest observation up
// to then).
type LedgerSummary struct {
	AreaID int64        `json:"area_id"`
	Shops  int          `json:"shops"`
	Now    StatusCounts `json:"now"`
	// Series holds the counts at now, now-step, now-2*step, ... oldest first (Now last).
	Series []StatusCounts `json:"series"`
	// OpenChange is open now minus open one step ago ("up 9 this week").
	OpenChange int     `json:"open_change"`
	StepDays   float64 `json:"step_days"`
}

// SummarizeLedger computes the reopening progress of area at now and at points steps
// back, step apart.
func (s *Store) SummarizeLedger(ctx context.Context, area int64, now time.Time, step time.Duration, points int) (LedgerSummary, error) {
	sum := LedgerSummary{AreaID: area, StepDays: step.Hours() / 24}
	if points < 1 {
		points = 1
	}
	// PostgreSQL keeps microseconds; rows are matched back to instants by value.
	now = now.Truncate(time.Microsecond)
	at := make([]time.Time, points)
	for i := range at {
		at[i] = now.Add(-time.Duration(points-1-i) * step)
	}
	rows, err := s.pool.Query(ctx, `
		WITH s AS (SELECT p.id FROM shops p, areas a WHERE a.id = $1 AND p.geom && a.geom AND ST_Intersects(p.geom, a.geom)),
		     t AS (SELECT unnest($2::timestamptz[]) AS at)
		SELECT t.at, count(s.id),
			count(*) FILTER (WHERE x.st = 'closed'), count(*) FILTER (WHERE x.st = 'preparing'),
			count(*) FILTER (WHERE x.st = 'open'), count(*) FILTER (WHERE x.st = 'moved'),
			count(s.id) FILTER (WHERE x.st IS NULL OR x.st = 'unknown')
		FROM t CROSS JOIN s
		LEFT JOIN LATERAL (SELECT e.status AS st FROM ledger_events e
			WHERE e.shop_id = s.id AND e.status IS NOT NULL AND e.observed_at <= t.at
			ORDER BY e.observed_at DESC, e.id DESC LIMIT 1) x ON true
		GROUP BY t.at ORDER BY t.at`, area, at)
	if err != nil {
		return sum, fmt.Errorf("ledger summary of area %d: %w", area, err)
	}
	byAt := map[time.Time]StatusCounts{}
	for rows.Next() {
		var c StatusCounts
		var n int
		if err := rows.Scan(&c.At, &n, &c.Closed, &c.Preparing, &c.Open, &c.Moved, &c.Unknown); err != nil {
			rows.Close()
			return sum, fmt.Errorf("ledger summary of area %d: %w", area, err)
		}
		sum.Shops = n
		byAt[c.At.UTC()] = c
	}
	if err := rows.Err(); err != nil {
		return sum, fmt.Errorf("ledger summary of area %d: %w", area, err)
	}
	// An area without shops yields no rows; every instant then counts zero.
	for _, t := range at {
		c, ok := byAt[t.UTC()]
		if !ok {
			c = StatusCounts{At: t}
		}
		c.At = c.At.UTC()
		sum.Series = append(sum.Series, c)
	}
	sum.Now = sum.Series[len(sum.Series)-1]
	if len(sum.Series) > 1 {
		sum.OpenChange = sum.Now.Open - sum.Series[len(sum.Series)-2].Open
	}
	return sum, nil
}
