package fieldwork

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestCheckQuestions(t *testing.T) {
	ok := Question{ID: "open", Text: "Is the shop open?", Kind: "yesno"}
	for _, tc := range []struct {
		name string
		qs   []Question
		want []string // fields, in order
	}{
		{"valid", []Question{ok, {ID: "kind", Text: "Kind?", Kind: "choice", Options: []string{"a", "b"}}, {ID: "note", Text: "Note", Kind: "text"}}, nil},
		{"none", nil, []string{"questions"}},
		{"too many", make([]Question, 101), []string{"questions"}},
		{"bad id", []Question{{ID: "Open!", Text: "x", Kind: "yesno"}}, []string{"questions[0].id"}},
		{"duplicate id", []Question{ok, ok}, []string{"questions[1].id"}},
		{"no text", []Question{{ID: "a", Kind: "text"}}, []string{"questions[0].text"}},
		{"long text", []Question{{ID: "a", Text: strings.Repeat("x", 501), Kind: "text"}}, []string{"questions[0].text"}},
		{"choice of one", []Question{{ID: "a", Text: "x", Kind: "choice", Options: []string{"a"}}}, []string{"questions[0].options"}},
		{"empty option", []Question{{ID: "a", Text: "x", Kind: "choice", Options: []string{"a", ""}}}, []string{"questions[0].options"}},
		{"options on yesno", []Question{{ID: "a", Text: "x", Kind: "yesno", Options: []string{"a", "b"}}}, []string{"questions[0].options"}},
		{"unknown kind", []Question{{ID: "a", Text: "x", Kind: "number"}}, []string{"questions[0].kind"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := fields(CheckQuestions(tc.qs)); got != fmt.Sprint(tc.want) {
				t.Errorf("fields %s, want %v", got, tc.want)
			}
		})
	}
}

func TestCheckAnswers(t *testing.T) {
	qs := []Question{
		{ID: "open", Text: "Open?", Kind: "yesno", Required: true},
		{ID: "kind", Text: "Kind?", Kind: "choice", Options: []string{"food", "retail"}},
		{ID: "note", Text: "Note", Kind: "text"},
	}
	for _, tc := range []struct {
		name    string
		answers map[string]any
		want    []string
	}{
		{"valid", map[string]any{"open": true, "kind": "food", "note": "fine"}, nil},
		{"only the required", map[string]any{"open": false}, nil},
		{"required missing", map[string]any{"kind": "food"}, []string{"a.open"}},
		{"unknown question", map[string]any{"open": true, "colour": "red"}, []string{"a.colour"}},
		{"not an option", map[string]any{"open": true, "kind": "bank"}, []string{"a.kind"}},
		{"yesno as text", map[string]any{"open": "yes"}, []string{"a.open"}},
		{"long text", map[string]any{"open": true, "note": strings.Repeat("x", MaxAnswerText+1)}, []string{"a.note"}},
		{"several, sorted", map[string]any{"zz": 1, "kind": 3, "note": false}, []string{"a.kind", "a.note", "a.open", "a.zz"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := fields(CheckAnswers("a", qs, tc.answers)); got != fmt.Sprint(tc.want) {
				t.Errorf("fields %s, want %v", got, tc.want)
			}
		})
	}
}

func fields(errs []FieldError) string {
	var f []string
	for _, e := range errs {
		if e.Message == "" {
			return "a field error without a message: " + e.Field
		}
		f = append(f, e.Field)
	}
	return fmt.Sprint(f)
}

func TestCampaignRequired(t *testing.T) {
	blockIDs := []int64{40, 41, 42, 43}
	req, n, err := CampaignRequired([]int64{42, 40, 42, 99}, blockIDs)
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Errorf("%d required, want 2", n)
	}
	for i, want := range []bool{true, false, true, false} {
		if req(i) != want {
			t.Errorf("block %d (row %d) required %v, want %v", i, blockIDs[i], req(i), want)
		}
	}
	if _, _, err := CampaignRequired([]int64{99}, blockIDs); !errors.Is(err, ErrNoCampaignStops) {
		t.Errorf("no shop on the area's blocks: %v, want ErrNoCampaignStops", err)
	}
}
