package data

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/gridsweep/gridsweep/fieldwork"
)

// Campaign is an inspection campaign: a checklist run over some areas during a period.
type Campaign struct {
	ID        int64                `json:"id"`
	OwnerArea int64                `json:"owner_area"`
	Name      string               `json:"name"`
	StartsOn  string               `json:"starts_on"`
	EndsOn    string               `json:"ends_on"`
	TimeZone  string               `json:"time_zone"`
	Questions []fieldwork.Question `json:"questions"`
	Areas     []int64              `json:"areas"`
	CreatedAt time.Time            `json:"created_at"`
}

// CampaignInput creates a campaign; dates are YYYY-MM-DD.
type CampaignInput struct {
	OwnerArea        int64
	Name             string
	StartsOn, EndsOn string
	TimeZone         string
	Questions        []fieldwork.Question
	Areas            []int64
}

const campaignColumns = `c.id, c.owner_area, c.name, to_char(c.starts_on, 'YYYY-MM-DD'), to_char(c.ends_on, 'YYYY-MM-DD'),
	c.time_zone, c.questions, ARRAY(SELECT area_id FROM campaign_areas WHERE campaign_id = c.id ORDER BY area_id), c.created_at`

func scanCampaign(row pgx.Row) (Campaign, error) {
	var c Campaign
	var q []byte
	if err := row.Scan(&c.ID, &c.OwnerArea, &c.Name, &c.StartsOn, &c.EndsOn, &c.TimeZone, &q, &c.Areas, &c.CreatedAt); err != nil {
		return c, err
	}
	return c, json.Unmarshal(q, &c.Questions)
}

// CreateCampaign stores a campaign and its areas in one transaction.
func (s *Store) CreateCampaign(ctx context.Context, in CampaignInput) (Campaign, error) {
	q, err := json.Marshal(in.Questions)
	if err != nil {
		return Campaign{}, fmt.Errorf("create campaign: %w", err)
	}
	var id int64
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `INSERT INTO campaigns (owner_area, name, starts_on, ends_on, time_zone, questions)
			VALUES ($1, $2, $3::date, $4::date, $5, $6) RETURNING id`,
			in.OwnerArea, in.Name, in.StartsOn, in.EndsOn, in.TimeZone, q).Scan(&id); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO campaign_areas (campaign_id, area_id) SELECT $1, unnest($2::bigint[]) ON CONFLICT DO NOTHING`, id, in.Areas)
		return err
	})
	if err != nil {
		return Campaign{}, fmt.Errorf("create campaign %q: %w", in.Name, classifyPgError(err))
	}
	return s.GetCampaign(ctx, id)
}

// GetCampaign returns one campaign.
func (s *Store) GetCampaign(ctx context.Context, id int64) (Campaign, error) {
	c, err := scanCampaign(s.pool.QueryRow(ctx, `SELECT `+campaignColumns+` FROM campaigns c WHERE c.id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return c, fmt.Errorf("campaign %d: %w", id, ErrRecordNotFound)
	}
	if err != nil {
		return c, fmt.Errorf("get campaign %d: %w", id, err)
	}
	return c, nil
}

// ListCampaigns returns the campaigns owned by root or an area below it, in id order.
func (s *Store) ListCampaigns(ctx context.Context, root int64, page ListPage) ([]Campaign, error) {
	rows, err := s.pool.Query(ctx, `
		WITH RECURSIVE sub(id) AS (
			SELECT id FROM areas WHERE id = $1
			UNION
			SELECT a.id FROM areas a JOIN sub ON a.parent_id = sub.id
		)
		SELECT `+campaignColumns+` FROM campaigns c WHERE c.owner_area IN (SELECT id FROM sub) AND c.id > $2
		ORDER BY c.id LIMIT $3`, root, page.After, page.Limit)
	if err != nil {
		return nil, fmt.Errorf("list campaigns of area %d: %w", root, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Campaign, error) { return scanCampaign(r) })
	if err != nil {
		return nil, fmt.Errorf("list campaigns of area %d: %w", root, err)
	}
	return out, nil
}

// CampaignAnswerInput is one inspection visit: the answers to a campaign's checklist at a
// shop. The caller has validated Answers against the questions.
type CampaignAnswerInput struct {
	ClientKey  string
	CampaignID int64
	ShopID     int64
	WorkerID   *int64
	TokenID    int64
	VisitedAt  time.Time
	Answers    map[string]any
	Note       string
}

// RecordCampaignAnswers stores inspection visits in one transaction, each once per client
// key (VisitCreated, VisitDuplicate or VisitKeyTaken, as for visits). A worker's answer also
// counts as a visit of the shop (client key "campaign:<key>").
func (s *Store) RecordCampaignAnswers(ctx context.Context, in []CampaignAnswerInput) ([]LedgerResult, error) {
	out := make([]LedgerResult, len(in))
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		for i, v := range in {
			out[i].ClientKey = v.ClientKey
			ans, err := json.Marshal(v.Answers)
			if err != nil {
				return err
			}
			var id int64
			err = tx.QueryRow(ctx, `INSERT INTO campaign_answers (campaign_id, shop_id, worker_id, token_id, client_key, visited_at, answers, note)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (client_key) DO NOTHING RETURNING id`,
				v.CampaignID, v.ShopID, v.WorkerID, v.TokenID, v.ClientKey, v.VisitedAt, ans, v.Note).Scan(&id)
			if errors.Is(err, pgx.ErrNoRows) {
				var worker *int64
				var token int64
				if err := tx.QueryRow(ctx, `SELECT id, worker_id, token_id FROM campaign_answers WHERE client_key = $1`, v.ClientKey).
					Scan(&out[i].EventID, &worker, &token); err != nil {
					return fmt.Errorf("look up answer key %q: %w", v.ClientKey, err)
				}
				same := (worker == nil && v.WorkerID == nil && token == v.TokenID) ||
					(worker != nil && v.WorkerID != nil && *worker == *v.WorkerID)
				if same {
					out[i].Status = VisitDuplicate
				} else {
					out[i].EventID, out[i].Status = 0, VisitKeyTaken
				}
				continue
			}
			if err != nil {
				return err
			}
			out[i].EventID, out[i].Status = id, VisitCreated
			if v.WorkerID != nil {
				if _, err := tx.Exec(ctx, `INSERT INTO visits (client_key, worker_id, shop_id, visited_at)
					VALUES ($1, $2, $3, $4) ON CONFLICT (client_key) DO NOTHING`,
					"campaign:"+v.ClientKey, *v.WorkerID, v.ShopID, v.VisitedAt); err != nil {
					return fmt.Errorf("visit for answer %q: %w", v.ClientKey, err)
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("record campaign answers: %w", classifyPgError(err))
	}
	return out, nil
}

// UnvisitedShop is a shop of a campaign's areas with no answer yet, and the street block
// it lies on (the nearest within the snap tolerance; nil when none is that close).
type UnvisitedShop struct {
	ShopID   int64  `json:"shop_id"`
	Name     string `json:"name"`
	Category string `json:"category"`
	Address  string `json:"address"`
	BlockID  *int64 `json:"block_id"`
}

// CampaignUnvisited lists the campaign's shops without an answer, in shop id order. within
// (when not 0) keeps only the shops inside that area too; tolM is how far a shop may lie
// from its block.
func (s *Store) CampaignUnvisited(ctx context.Context, campaign, within int64, tolM float64) ([]UnvisitedShop, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT p.id, p.name, p.category, p.address, b.id
		FROM shops p
		LEFT JOIN LATERAL (
			-- 0.01 degree (about 1 km) prefilter lets the GIST index work before the metric test.
			SELECT b.id FROM blocks b
			WHERE b.geom && ST_Expand(p.geom, 0.01) AND ST_DWithin(b.geom::geography, p.geom::geography, $3)
			ORDER BY b.geom::geography <-> p.geom::geography, b.id LIMIT 1) b ON true
		WHERE EXISTS (SELECT 1 FROM campaign_areas ca JOIN areas a ON a.id = ca.area_id
		              WHERE ca.campaign_id = $1 AND p.geom && a.geom AND ST_Intersects(p.geom, a.geom))
		  AND ($2 = 0 OR EXISTS (SELECT 1 FROM areas w WHERE w.id = $2 AND p.geom && w.geom AND ST_Intersects(p.geom, w.geom)))
		  AND NOT EXISTS (SELECT 1 FROM campaign_answers x WHERE x.campaign_id = $1 AND x.shop_id = p.id)
		ORDER BY p.id`, campaign, within, tolM)
	if err != nil {
		return nil, fmt.Errorf("unvisited shops of campaign %d: %w", campaign, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (UnvisitedShop, error) {
		var u UnvisitedShop
		err := r.Scan(&u.ShopID, &u.Name, &u.Category, &u.Address, &u.BlockID)
		return u, err
	})
	if err != nil {
		return nil, fmt.Errorf("unvisited shops of campaign %d: %w", campaign, err)
	}
	return out, nil
}

// CampaignAnswer is a stored inspection visit.
type CampaignAnswer struct {
	ID        int64          `json:"id"`
	ShopID    int64          `json:"shop_id"`
	WorkerID  *int64         `json:"worker_id"`
	VisitedAt time.Time      `json:"visited_at"`
	Answers   map[string]any `json:"answers"`
	Note      string         `json:"note"`
}

// ListCampaignAnswers returns a campaign's answers in id order.
func (s *Store) ListCampaignAnswers(ctx context.Context, campaign int64, page ListPage) ([]CampaignAnswer, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, shop_id, worker_id, visited_at, answers, note FROM campaign_answers
		WHERE campaign_id = $1 AND id > $2 ORDER BY id LIMIT $3`, campaign, page.After, page.Limit)
	if err != nil {
		return nil, fmt.Errorf("answers of campaign %d: %w", campaign, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (CampaignAnswer, error) {
		var a CampaignAnswer
		err := r.Scan(&a.ID, &a.ShopID, &a.WorkerID, &a.VisitedAt, &a.Answers, &a.Note)
		return a, err
	})
	if err != nil {
		return nil, fmt.Errorf("answers of campaign %d: %w", campaign, err)
	}
	return out, nil
}
