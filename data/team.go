package data

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
)

// Team is a lead and members (the lead included) who go out together.
type Team struct {
	ID        int64   `json:"id"`
	AreaID    int64   `json:"area_id"`
	Name      string  `json:"name"`
	LeadID    int64   `json:"lead_worker_id"`
	MemberIDs []int64 `json:"member_ids"`
}

const teamColumns = `t.id, t.area_id, t.name, t.lead_worker_id,
	ARRAY(SELECT worker_id FROM team_members WHERE team_id = t.id ORDER BY worker_id)`

func scanTeam(row pgx.Row) (Team, error) {
	var t Team
	err := row.Scan(&t.ID, &t.AreaID, &t.Name, &t.LeadID, &t.MemberIDs)
	return t, err
}

// CreateTeam stores a team; the lead joins the members.
func (s *Store) CreateTeam(ctx context.Context, area int64, name string, lead int64, members []int64) (Team, error) {
	if !slices.Contains(members, lead) {
		members = append([]int64{lead}, members...)
	}
	var id int64
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `INSERT INTO teams (area_id, name, lead_worker_id) VALUES ($1, $2, $3) RETURNING id`,
			area, name, lead).Scan(&id); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO team_members (team_id, worker_id) SELECT $1, unnest($2::bigint[]) ON CONFLICT DO NOTHING`, id, members)
		return err
	})
	if err != nil {
		return Team{}, fmt.Errorf("create team %q: %w", name, classifyPgError(err))
	}
	return s.GetTeam(ctx, id)
}

// GetTeam returns one team with its members.
func (s *Store) GetTeam(ctx context.Context, id int64) (Team, error) {
	t, err := scanTeam(s.pool.QueryRow(ctx, `SELECT `+teamColumns+` FROM teams t WHERE t.id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return t, fmt.Errorf("team %d: %w", id, ErrRecordNotFound)
	}
	if err != nil {
		return t, fmt.Errorf("get team %d: %w", id, err)
	}
	return t, nil
}

// ListTeams returns the teams of root and the areas below it, in id order.
func (s *Store) ListTeams(ctx context.Context, root int64, page ListPage) ([]Team, error) {
	rows, err := s.pool.Query(ctx, `
		WITH RECURSIVE sub(id) AS (
			SELECT id FROM areas WHERE id = $1
			UNION
			SELECT a.id FROM areas a JOIN sub ON a.parent_id = sub.id
		)
		SELECT `+teamColumns+` FROM teams t WHERE t.area_id IN (SELECT id FROM sub) AND t.id > $2 ORDER BY t.id LIMIT $3`,
		root, page.After, page.Limit)
	if err != nil {
		return nil, fmt.Errorf("list teams of area %d: %w", root, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Team, error) { return scanTeam(r) })
	if err != nil {
		return nil, fmt.Errorf("list teams of area %d: %w", root, err)
	}
	return out, nil
}

// AssignTeamRoute gives worker's route in plan to team (replacing another team's claim):
// repeating it changes nothing.
func (s *Store) AssignTeamRoute(ctx context.Context, team, plan, worker int64) error {
	var ok bool
	if err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM plan_assignments WHERE plan_id = $1 AND worker_id = $2)`,
		plan, worker).Scan(&ok); err != nil {
		return fmt.Errorf("route of worker %d in plan %d: %w", worker, plan, err)
	}
	if !ok {
		return fmt.Errorf("plan %d has no route for worker %d: %w", plan, worker, ErrRecordNotFound)
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO team_routes (plan_id, route_worker_id, team_id) VALUES ($1, $2, $3)
		ON CONFLICT (plan_id, route_worker_id) DO UPDATE SET team_id = EXCLUDED.team_id`, plan, worker, team)
	if err != nil {
		return fmt.Errorf("assign route %d/%d to team %d: %w", plan, worker, team, classifyPgError(err))
	}
	return nil
}

// TeamStop is one block of a team's route and the first member check-in there.
type TeamStop struct {
	BlockID  int64      `json:"block_id"`
	Done     bool       `json:"done"`
	FirstBy  *int64     `json:"first_by"`
	FirstAt  *time.Time `json:"first_at"`
	CheckIns int        `json:"check_ins"`
}

// TeamProgress is how far a team is along the routes assigned to it in a plan: each stop
// counts once, whoever of the members checked in there and however often.
type TeamProgress struct {
	TeamID int64      `json:"team_id"`
	PlanID int64      `json:"plan_id"`
	Stops  int        `json:"stops"`
	Done   int        `json:"done"`
	Blocks []TeamStop `json:"blocks"`
}

// TeamRouteProgress counts the stops of the team's routes in plan that members checked in
// at (visits naming the plan).
func (s *Store) TeamRouteProgress(ctx context.Context, team, plan int64) (TeamProgress, error) {
	p := TeamProgress{TeamID: team, PlanID: plan}
	rows, err := s.pool.Query(ctx, `
		SELECT pa.block_id, count(v.id), min(v.visited_at),
			(array_agg(v.worker_id ORDER BY v.visited_at, v.id) FILTER (WHERE v.id IS NOT NULL))[1]
		FROM team_routes tr
		JOIN plan_assignments pa ON pa.plan_id = tr.plan_id AND pa.worker_id = tr.route_worker_id
		LEFT JOIN visits v ON v.plan_id = tr.plan_id AND v.block_id = pa.block_id
			AND v.worker_id IN (SELECT worker_id FROM team_members WHERE team_id = tr.team_id)
		WHERE tr.team_id = $1 AND tr.plan_id = $2
		GROUP BY pa.block_id ORDER BY pa.block_id`, team, plan)
	if err != nil {
		return p, fmt.Errorf("progress of team %d in plan %d: %w", team, plan, err)
	}
	p.Blocks, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (TeamStop, error) {
		var st TeamStop
		err := r.Scan(&st.BlockID, &st.CheckIns, &st.FirstAt, &st.FirstBy)
		st.Done = st.CheckIns > 0
		return st, err
	})
	if err != nil {
		return p, fmt.Errorf("progress of team %d in plan %d: %w", team, plan, err)
	}
	p.Stops = len(p.Blocks)
	for _, b := range p.Blocks {
		if b.Done {
			p.Done++
		}
	}
	if p.Blocks == nil {
		p.Blocks = []TeamStop{}
	}
	return p, nil
}

// LinkTeamRoutesTx gives each team the route its lead will get in plan, inside the
// transaction that creates the plan (a plan made for teams plans each team as its lead).
func LinkTeamRoutesTx(ctx context.Context, tx pgx.Tx, plan int64, teams []Team) error {
	for _, t := range teams {
		if _, err := tx.Exec(ctx, `INSERT INTO team_routes (plan_id, route_worker_id, team_id) VALUES ($1, $2, $3)`,
			plan, t.LeadID, t.ID); err != nil {
			return fmt.Errorf("route of team %d in plan %d: %w", t.ID, plan, classifyPgError(err))
		}
	}
	return nil
}

// PlanTeams returns the teams whose routes a plan holds (linked when a plan for teams was
// requested, or assigned since), in id order.
func (s *Store) PlanTeams(ctx context.Context, plan int64) ([]Team, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+teamColumns+` FROM teams t
		WHERE t.id IN (SELECT team_id FROM team_routes WHERE plan_id = $1) ORDER BY t.id`, plan)
	if err != nil {
		return nil, fmt.Errorf("teams of plan %d: %w", plan, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Team, error) { return scanTeam(r) })
	if err != nil {
		return nil, fmt.Errorf("teams of plan %d: %w", plan, err)
	}
	return out, nil
}
