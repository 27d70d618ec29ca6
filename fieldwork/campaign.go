package fieldwork

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// MaxAnswerText is the longest text answer (bytes), the same bound as a ledger note.
const MaxAnswerText = 2000

// Question is one item of a campaign's checklist.
type Question struct {
	ID   string `json:"id"`
	Text string `json:"text"`
	// Kind is "choice" (one of Options), "yesno" (a JSON boolean) or "text".
	Kind     string   `json:"kind"`
	Options  []string `json:"options,omitempty"`
	Required bool     `json:"required,omitempty"`
}

var questionID = regexp.MustCompile(`^[a-z0-9_]{1,40}$`)

// CheckQuestions checks a campaign's checklist: 1 to 100 questions with unique short ids,
// a text, and options exactly when the kind is a choice.
func CheckQuestions(qs []Question) []FieldError {
	if len(qs) == 0 || len(qs) > 100 {
		return []FieldError{{"questions", "give 1 to 100 questions"}}
	}
	var errs []FieldError
	seen := map[string]bool{}
	for i, q := range qs {
		f := fmt.Sprintf("questions[%d]", i)
		switch {
		case !questionID.MatchString(q.ID):
			errs = append(errs, FieldError{f + ".id", "1 to 40 of a-z, 0-9 and _"})
		case seen[q.ID]:
			errs = append(errs, FieldError{f + ".id", "ids must be unique"})
		}
		seen[q.ID] = true
		if q.Text == "" || len(q.Text) > 500 {
			errs = append(errs, FieldError{f + ".text", "1 to 500 bytes"})
		}
		switch q.Kind {
		case "choice":
			if len(q.Options) < 2 || slices.Contains(q.Options, "") {
				errs = append(errs, FieldError{f + ".options", "a choice needs at least two non-empty options"})
			}
		case "yesno", "text":
			if len(q.Options) > 0 {
				errs = append(errs, FieldError{f + ".options", "only choice questions have options"})
			}
		default:
			errs = append(errs, FieldError{f + ".kind", "must be choice, yesno or text"})
		}
	}
	return errs
}

// CheckAnswers checks answers (as decoded from JSON) against the checklist: known ids,
// values of the right kind, every required question answered. Fields are named
// prefix.questionID, in field order so that the same input gives the same list.
func CheckAnswers(prefix string, qs []Question, answers map[string]any) []FieldError {
	var errs []FieldError
	byID := map[string]Question{}
	for _, q := range qs {
		byID[q.ID] = q
		if _, ok := answers[q.ID]; q.Required && !ok {
			errs = append(errs, FieldError{prefix + "." + q.ID, "required"})
		}
	}
	for id, v := range answers {
		q, ok := byID[id]
		if !ok {
			errs = append(errs, FieldError{prefix + "." + id, "no such question in this campaign"})
			continue
		}
		switch q.Kind {
		case "choice":
			if s, ok := v.(string); !ok || !slices.Contains(q.Options, s) {
				errs = append(errs, FieldError{prefix + "." + id, "one of the question's options"})
			}
		case "yesno":
			if _, ok := v.(bool); !ok {
				errs = append(errs, FieldError{prefix + "." + id, "true or false"})
			}
		case "text":
			if s, ok := v.(string); !ok || len(s) > MaxAnswerText {
				errs = append(errs, FieldError{prefix + "." + id, fmt.Sprintf("text of at most %d bytes", MaxAnswerText)})
			}
		}
	}
	slices.SortFunc(errs, func(a, b FieldError) int { return strings.Compare(a.Field, b.Field) })
	return errs
}

// ErrNoCampaignStops: a campaign plan with nothing left to inspect.
var ErrNoCampaignStops = errors.New("no unvisited shops on the area's streets")

// CampaignRequired turns the blocks a campaign's unvisited shops lie on (shopBlocks, row
// ids) into a plan's required blocks (blockIDs[i] is the row id of the network's block i):
// planning then routes workers over exactly the streets with shops still to inspect. It
// returns how many blocks are required, and ErrNoCampaignStops when none is.
func CampaignRequired(shopBlocks, blockIDs []int64) (func(int) bool, int, error) {
	want := map[int64]bool{}
	for _, id := range shopBlocks {
		want[id] = true
	}
	required := make([]bool, len(blockIDs))
	n := 0
	for i, id := range blockIDs {
		if want[id] {
			required[i] = true
			n++
		}
	}
	if n == 0 {
		return nil, 0, ErrNoCampaignStops
	}
	return func(b int) bool { return required[b] }, n, nil
}
