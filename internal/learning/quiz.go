package learning

import (
	"math/rand/v2"
	"slices"
)

// ChoicesPerQuestion is how many options a quiz question offers.
const ChoicesPerQuestion = 4

// Question is one multiple-choice question: a prompt (the entry's definition
// with its names blanked), the terms to choose from, and the index of the
// right one.
type Question struct {
	Slug    string   `json:"slug"`
	Prompt  string   `json:"prompt"`
	Choices []string `json:"choices"`
	Answer  int      `json:"answer"`
}

// Quiz makes up to n questions from entries, chosen with rng. Wrong choices
// come from the same category as the answer, so a role is asked against
// other roles; only when the category has too few entries are others used.
// A wrong choice is never another name of the answer (nor an entry the
// answer would be accepted for) and no two choices are the same. With fewer
// than four distinct entries a question has fewer choices.
func Quiz(entries []Entry, n int, rng *rand.Rand) []Question {
	if n <= 0 || len(entries) == 0 || rng == nil {
		return nil
	}
	pool := slices.Clone(entries)
	sortByTerm(pool) // the same entries always give the same quiz for a seed
	order := rng.Perm(len(pool))
	var qs []Question
	for _, i := range order {
		if len(qs) == n {
			break
		}
		e := pool[i]
		if answerForm(e.Term) == "" {
			continue
		}
		qs = append(qs, question(e, pool, rng))
	}
	return qs
}

func question(e Entry, pool []Entry, rng *rand.Rand) Question {
	chosen := []Entry{e}
	taken := map[string]bool{answerForm(e.Term): true}
	ok := func(d Entry) bool {
		if d.Slug == e.Slug || taken[answerForm(d.Term)] {
			return false
		}
		// Never offer something that is really the answer under another
		// name, in either direction, nor a term the answer matcher would
		// take for one already chosen.
		for _, c := range chosen {
			if MatchAnswer(d.Term, c) || MatchAnswer(c.Term, d) {
				return false
			}
		}
		return true
	}
	pick := func(cands []Entry) {
		for _, j := range rng.Perm(len(cands)) {
			if len(chosen) == ChoicesPerQuestion {
				return
			}
			if d := cands[j]; ok(d) {
				chosen = append(chosen, d)
				taken[answerForm(d.Term)] = true
			}
		}
	}
	var same, other []Entry
	for _, d := range pool {
		if d.Category == e.Category {
			same = append(same, d)
		} else {
			other = append(other, d)
		}
	}
	pick(same)
	pick(other)

	rng.Shuffle(len(chosen), func(a, b int) { chosen[a], chosen[b] = chosen[b], chosen[a] })
	q := Question{Slug: e.Slug, Prompt: Redact(e.Definition, e)}
	for i, c := range chosen {
		q.Choices = append(q.Choices, c.Term)
		if c.Slug == e.Slug {
			q.Answer = i
		}
	}
	return q
}

// Grade counts the questions answered right; answers[i] is the index chosen
// for qs[i], and a missing or out-of-range answer counts as wrong.
func Grade(qs []Question, answers []int) (correct int) {
	for i, q := range qs {
		if i < len(answers) && answers[i] == q.Answer {
			correct++
		}
	}
	return correct
}
