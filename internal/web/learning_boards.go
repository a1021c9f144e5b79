package web

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"peerpath/internal/core"
	"peerpath/internal/learning"
	"peerpath/internal/store"
)

// Boards: the shipped default board and the ones trainers build. Anyone in
// the organisation may play a board on their own; trainers and
// administrators build, change and copy boards and host classroom games.

type boardsView struct {
	Default  store.StoredBoard
	Boards   []store.StoredBoard
	Next     string
	CanTeach bool
}

func (s *Server) boardsPage(w http.ResponseWriter, r *http.Request) error {
	l, err := s.store.ListBoards(r.Context(), s.actor(r), store.Page{Cursor: r.URL.Query().Get("cursor")})
	if err != nil {
		return err
	}
	def, err := s.store.Board(r.Context(), s.actor(r), store.DefaultBoardRef)
	if err != nil {
		return err
	}
	return s.render(w, r, "learning_boards.html", boardsView{Default: def, Boards: l.Items, Next: l.Next, CanTeach: canTeachLearning(principal(r))})
}

type boardView struct {
	B           store.StoredBoard
	CanTeach    bool
	ShowAnswers bool
	Rows        []boardRow
}

// boardRow is one value row of a board as a table shows it: a cell per
// category (empty where that category has no clue of this value).
type boardRow struct {
	Value int
	Cells []boardCell
}

type boardCell struct {
	Cat, Index int
	Has        bool
	Clue       learning.Clue
	Name       string // the category's name, for screen readers
	State      string // solo play: open, right, wrong or passed
}

// boardRows lays a board out as rows of values (the way it is shown), with
// each cell pointing at its clue.
func boardRows(b learning.Board) []boardRow {
	var rows []boardRow
	for _, v := range learning.ClueValues {
		row := boardRow{Value: v}
		found := false
		for ci, c := range b.Categories {
			cell := boardCell{Cat: ci, Index: -1, Name: c.Name}
			for j, cl := range c.Clues {
				if cl.Value == v {
					cell.Index, cell.Has, cell.Clue = j, true, cl
					found = true
				}
			}
			row.Cells = append(row.Cells, cell)
		}
		if found {
			rows = append(rows, row)
		}
	}
	return rows
}

func (s *Server) boardPage(w http.ResponseWriter, r *http.Request) error {
	b, err := s.store.Board(r.Context(), s.actor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	teach := canTeachLearning(principal(r))
	return s.render(w, r, "learning_board.html", boardView{B: b, CanTeach: teach, ShowAnswers: teach, Rows: boardRows(b.Board)})
}

// Building and editing boards.

type boardNewView struct {
	Form       *form
	Categories []glossaryCategory
}

func (s *Server) newBoardPage(w http.ResponseWriter, r *http.Request) error {
	f, ok := s.draftForm(r)
	if !ok {
		f = newForm(url.Values{"categories": learning.EntryCategories()})
	}
	return s.render(w, r, "learning_board_new.html", boardNewView{Form: f, Categories: glossaryCategories()})
}

func (s *Server) createBoard(w http.ResponseWriter, r *http.Request) error {
	f, err := postForm(r)
	if err != nil {
		return err
	}
	b, err := s.store.BuildBoard(r.Context(), s.actor(r), f.Get("title"), f.Values["categories"])
	if f.Fail(err) {
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "learning_board_new.html", boardNewView{Form: f, Categories: glossaryCategories()})
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/learning/boards/"+b.Ref+"/edit", localizer(r).T("messages.learning.peerpath_picked_clues"))
}

func (s *Server) copyBoard(w http.ResponseWriter, r *http.Request) error {
	src, err := s.store.Board(r.Context(), s.actor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	g, err := s.store.Glossary(r.Context(), principal(r).Org.ID)
	if err != nil {
		return err
	}
	b := boardInGlossary(src.Board, g)
	b.Title = "Copy of " + b.Title
	if n := []rune(b.Title); len(n) > learning.MaxBoardTitleLen {
		b.Title = string(n[:learning.MaxBoardTitleLen])
	}
	cp, err := s.store.CreateBoard(r.Context(), s.actor(r), b)
	if err != nil {
		return err
	}
	return redirect(w, r, "/learning/boards/"+cp.Ref+"/edit", localizer(r).T("messages.learning.copy_change_like"))
}

// boardInGlossary leaves out the clues whose entries the organisation has
// hidden (or deleted) since the board was made, so a copy can be saved.
func boardInGlossary(b learning.Board, g *store.OrgGlossary) learning.Board {
	in := func(c learning.Clue) bool { _, ok := g.Lookup(c.Slug); return ok }
	out := b
	out.Categories = nil
	for _, c := range b.Categories {
		kept := learning.Category{Name: c.Name}
		for _, cl := range c.Clues {
			if in(cl) {
				kept.Clues = append(kept.Clues, cl)
			}
		}
		if len(kept.Clues) > 0 {
			out.Categories = append(out.Categories, kept)
		}
	}
	if b.Final != nil && !in(*b.Final) {
		out.Final, out.FinalCategory = nil, ""
	}
	return out
}

func (s *Server) deleteBoard(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.store.DeleteBoard(r.Context(), s.actor(r), id); err != nil {
		return err
	}
	return redirect(w, r, "/learning/boards", localizer(r).T("messages.learning.board_deleted_games"))
}

// The edit form has a fixed grid: up to six columns of five rows, one row
// per value, and a final clue. Field names: cat{i}, c{i}_{j}_term,
// c{i}_{j}_clue, c{i}_{j}_dd, final_category, final_term, final_clue.

type boardEditView struct {
	Form    *form
	B       store.StoredBoard
	Columns []editColumn
	Terms   []string // every glossary term, for the suggestions list
}

type editColumn struct {
	Index, Number int
	Name          string
	Open          bool // shown unfolded: it has a name, a problem, or is the first
	Rows          []editRow
}

type editRow struct {
	Col, Row, Value int
}

func editColumns(f *form) []editColumn {
	var cols []editColumn
	for i := range learning.MaxBoardCategories {
		c := editColumn{Index: i, Number: i + 1, Name: f.Get(fmt.Sprintf("cat%d", i))}
		c.Open = i == 0 || c.Name != "" || formHasErrPrefix(f, fmt.Sprintf("c%d_", i)) || f.Err(fmt.Sprintf("cat%d", i)) != ""
		for j, v := range learning.ClueValues {
			c.Rows = append(c.Rows, editRow{Col: i, Row: j, Value: v})
		}
		cols = append(cols, c)
	}
	return cols
}

func boardForm(b learning.Board, g *store.OrgGlossary) *form {
	v := url.Values{"title": {b.Title}, "final_category": {b.FinalCategory}}
	term := func(slug string) string {
		if e, ok := g.Lookup(slug); ok {
			return e.Term
		}
		return slug
	}
	for i, c := range b.Categories {
		v.Set(fmt.Sprintf("cat%d", i), c.Name)
		for _, cl := range c.Clues {
			j := slices.Index(learning.ClueValues, cl.Value)
			if j < 0 {
				continue
			}
			v.Set(fmt.Sprintf("c%d_%d_term", i, j), term(cl.Slug))
			v.Set(fmt.Sprintf("c%d_%d_clue", i, j), cl.Clue)
			if cl.DailyDouble {
				v.Set(fmt.Sprintf("c%d_%d_dd", i, j), "on")
			}
		}
	}
	if b.Final != nil {
		v.Set("final_term", term(b.Final.Slug))
		v.Set("final_clue", b.Final.Clue)
	}
	return newForm(v)
}

var boardErrKey = regexp.MustCompile(`^categories\[(\d+)\](?:\.clues\[(\d+)\])?(?:\.(\w+))?$`)

// boardFromForm reads the edit grid into a board, checking what the form
// can check itself (every clue names a glossary entry; a column with clues
// has a name) and recording where each column and clue came from, so the
// store's messages land beside the right fields.
func boardFromForm(f *form, g *store.OrgGlossary) (learning.Board, func(error)) {
	b := learning.Board{Title: f.Get("title")}
	var colOf []int
	var rowOf [][]int
	for i := range learning.MaxBoardCategories {
		name := f.Get(fmt.Sprintf("cat%d", i))
		c := learning.Category{Name: name}
		var rows []int
		for j, val := range learning.ClueValues {
			tf, cf := fmt.Sprintf("c%d_%d_term", i, j), fmt.Sprintf("c%d_%d_clue", i, j)
			term, clue := f.Get(tf), f.Get(cf)
			if term == "" && clue == "" {
				continue
			}
			if term == "" {
				f.Errors[tf] = "Enter the glossary term this clue is about."
				continue
			}
			e, ok := g.Lookup(term)
			if !ok {
				f.Errors[tf] = "We could not find this in the glossary. Write the term as the glossary does."
				continue
			}
			if clue == "" {
				clue = learning.ClueFor(e)
			}
			c.Clues = append(c.Clues, learning.Clue{Value: val, Slug: e.Slug, Clue: clue, Answer: e.Display(), DailyDouble: f.Checked(fmt.Sprintf("c%d_%d_dd", i, j))})
			rows = append(rows, j)
		}
		if name == "" && len(rows) == 0 {
			continue
		}
		if name == "" {
			f.Errors[fmt.Sprintf("cat%d", i)] = "Name this category, or clear its clues."
		}
		if len(rows) == 0 && !formHasErrPrefix(f, fmt.Sprintf("c%d_", i)) {
			f.Errors[fmt.Sprintf("cat%d", i)] = "Add at least one clue to this category, or clear its name."
		}
		b.Categories = append(b.Categories, c)
		colOf, rowOf = append(colOf, i), append(rowOf, rows)
	}
	if len(b.Categories) == 0 && len(f.Errors) == 0 {
		f.Errors["cat0"] = "Add at least one category with a clue."
	}
	if term := f.Get("final_term"); term != "" || f.Get("final_clue") != "" || f.Get("final_category") != "" {
		if e, ok := g.Lookup(term); !ok {
			f.Errors["final_term"] = "Enter the glossary term the final clue is about."
		} else {
			clue := f.Get("final_clue")
			if clue == "" {
				clue = learning.ClueFor(e)
			}
			b.FinalCategory = f.Get("final_category")
			b.Final = &learning.Clue{Slug: e.Slug, Clue: clue, Answer: e.Display()}
		}
	}
	place := func(err error) {
		e, ok := asInvalid(err)
		if !ok {
			return
		}
		for k, msg := range e.Fields {
			field := ""
			switch {
			case k == "title":
				field = "title"
				msg = boardMessage("The title", msg)
			case k == "final_category":
				field, msg = "final_category", "Name the final clue's category."
			case strings.HasPrefix(k, "final."):
				field, msg = "final_term", boardMessage("The final clue", msg)
			case k == "categories":
				field, msg = "cat0", fmt.Sprintf("Use 1 to %d categories.", learning.MaxBoardCategories)
			default:
				if m := boardErrKey.FindStringSubmatch(k); m != nil {
					ci, _ := strconv.Atoi(m[1])
					if ci < len(colOf) {
						field = fmt.Sprintf("cat%d", colOf[ci])
						if m[2] != "" {
							cj, _ := strconv.Atoi(m[2])
							if cj < len(rowOf[ci]) {
								part := "term"
								if m[3] == "clue" {
									part = "clue"
								}
								field = fmt.Sprintf("c%d_%d_%s", colOf[ci], rowOf[ci][cj], part)
							}
						}
					}
				}
				msg = boardMessage("This", msg)
			}
			f.Errors[field] = msg
		}
	}
	return b, place
}

func boardMessage(subject, msg string) string {
	switch msg {
	case "is required":
		return subject + " is needed."
	}
	return subject + " " + strings.TrimSuffix(msg, ".") + "."
}

func formHasErrPrefix(f *form, prefix string) bool {
	for k := range f.Errors {
		if strings.HasPrefix(k, prefix) {
			return true
		}
	}
	return false
}

func (s *Server) editBoardPage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	b, err := s.store.Board(r.Context(), s.actor(r), strconv.FormatInt(id, 10))
	if err != nil {
		return err
	}
	g, err := s.store.Glossary(r.Context(), principal(r).Org.ID)
	if err != nil {
		return err
	}
	f, ok := s.draftForm(r)
	if !ok {
		f = boardForm(b.Board, g)
	}
	return s.render(w, r, "learning_board_edit.html", boardEditView{Form: f, B: b, Columns: editColumns(f), Terms: glossaryTerms(g)})
}

func glossaryTerms(g *store.OrgGlossary) []string {
	es := g.Entries()
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.Term
	}
	return out
}

func (s *Server) updateBoard(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	cur, err := s.store.Board(r.Context(), s.actor(r), strconv.FormatInt(id, 10))
	if err != nil {
		return err
	}
	f, err := postForm(r)
	if err != nil {
		return err
	}
	g, err := s.store.Glossary(r.Context(), principal(r).Org.ID)
	if err != nil {
		return err
	}
	b, place := boardFromForm(f, g)
	if len(f.Errors) == 0 {
		_, err = s.store.UpdateBoard(r.Context(), s.actor(r), id, b)
		place(err)
		if _, bad := asInvalid(err); !bad && err != nil {
			return err
		}
	}
	if len(f.Errors) > 0 {
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "learning_board_edit.html", boardEditView{Form: f, B: cur, Columns: editColumns(f), Terms: glossaryTerms(g)})
	}
	return redirect(w, r, "/learning/boards/"+cur.Ref, localizer(r).T("messages.learning.board_saved"))
}

// Solo play. The state of a solo game lives in the page's address: s holds
// one character per square in category order ('0' not yet played, '1'
// right, '2' wrong, '3' passed), and the final clue last when there is one;
// pts is the score. Nothing is stored: solo play is practice.

type soloState struct {
	Squares []byte
	Points  int
}

func squaresOf(b learning.Board) int {
	n := 0
	for _, c := range b.Categories {
		n += len(c.Clues)
	}
	if b.Final != nil {
		n++
	}
	return n
}

// readSolo reads s and pts; anything malformed starts a fresh game rather
// than failing, since the address is the player's own to edit.
func readSolo(v url.Values, b learning.Board) soloState {
	n := squaresOf(b)
	st := soloState{Squares: []byte(strings.Repeat("0", n))}
	s := v.Get("s")
	if len(s) != n || strings.Trim(s, "0123") != "" {
		return st
	}
	st.Squares = []byte(s)
	if p, err := strconv.Atoi(v.Get("pts")); err == nil && p > -1_000_000 && p < 1_000_000 {
		st.Points = p
	}
	return st
}

// S is the squares as the address carries them.
func (st soloState) S() string { return string(st.Squares) }

func (st soloState) query() string {
	return url.Values{"s": {st.S()}, "pts": {strconv.Itoa(st.Points)}}.Encode()
}

// square is the position of clue (c, i) in the state; c = -1 is the final.
func soloSquare(b learning.Board, c, i int) int {
	if c < 0 {
		return squaresOf(b) - 1
	}
	n := 0
	for k := 0; k < c; k++ {
		n += len(b.Categories[k].Clues)
	}
	return n + i
}

type soloBoardView struct {
	B        store.StoredBoard
	Rows     []boardRow
	State    soloState
	Played   int
	Total    int
	Right    int
	Wrong    int
	Left     int
	FinalOK  bool // every square played and a final clue to go
	Finished bool
}

func (s *Server) soloBoard(w http.ResponseWriter, r *http.Request) error {
	b, err := s.store.Board(r.Context(), s.actor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	st := readSolo(r.URL.Query(), b.Board)
	v := soloBoardView{B: b, Rows: boardRows(b.Board), State: st, Total: len(st.Squares)}
	for ri := range v.Rows {
		for ci := range v.Rows[ri].Cells {
			c := &v.Rows[ri].Cells[ci]
			if c.Has {
				c.State = map[byte]string{'0': "open", '1': "right", '2': "wrong", '3': "passed"}[st.Squares[soloSquare(b.Board, c.Cat, c.Index)]]
			}
		}
	}
	for _, sq := range st.Squares {
		if sq != '0' {
			v.Played++
		}
		switch sq {
		case '0':
			v.Left++
		case '1':
			v.Right++
		case '2':
			v.Wrong++
		}
	}
	boardDone := v.Played == v.Total || (b.Board.Final != nil && v.Played == v.Total-1 && st.Squares[v.Total-1] == '0')
	v.FinalOK = b.Board.Final != nil && st.Squares[v.Total-1] == '0' && boardDone
	v.Finished = v.Played == v.Total
	return s.render(w, r, "learning_play.html", v)
}

type soloClueView struct {
	B        store.StoredBoard
	Category string
	Value    int
	Clue     learning.Clue
	Cat, Idx int
	Final    bool
	State    soloState
	Choices  []string
	Mode     string // "type" or "choices"
	Form     *form
	// After an answer:
	Answered bool
	Right    bool
	Passed   bool
	Entry    *learning.Entry
	Gained   int
	NextURL  string
}

// soloClue finds the clue named by c and i in the request (c = -1 for the
// final clue).
func soloClue(b learning.Board, v url.Values) (learning.Clue, string, int, int, error) {
	c, err1 := strconv.Atoi(v.Get("c"))
	i, err2 := strconv.Atoi(v.Get("r"))
	if err1 != nil || (c != -1 && err2 != nil) {
		return learning.Clue{}, "", 0, 0, core.NotFound("This clue")
	}
	if c == -1 {
		if b.Final == nil {
			return learning.Clue{}, "", 0, 0, core.NotFound("This clue")
		}
		return *b.Final, b.FinalCategory, -1, 0, nil
	}
	if c < 0 || c >= len(b.Categories) || i < 0 || i >= len(b.Categories[c].Clues) {
		return learning.Clue{}, "", 0, 0, core.NotFound("This clue")
	}
	return b.Categories[c].Clues[i], b.Categories[c].Name, c, i, nil
}

// clueEntry is the glossary entry a clue is about, or, when the entry has
// since left the glossary, one made from the clue's answer ("RLC (Recovery
// Learning Community)") so answers can still be checked.
func clueEntry(g *store.OrgGlossary, cl learning.Clue) learning.Entry {
	if e, ok := g.Lookup(cl.Slug); ok {
		return e
	}
	e := learning.Entry{Term: cl.Answer, Slug: cl.Slug, Category: learning.CategoryConcepts}
	if i := strings.Index(cl.Answer, " ("); i > 0 && strings.HasSuffix(cl.Answer, ")") {
		e.Term, e.Expansion = cl.Answer[:i], cl.Answer[i+2:len(cl.Answer)-1]
	}
	return e
}

// soloChoices offers the answer and up to three wrong ones, from the same
// glossary category where it can. The order is fixed per board and clue, so
// the choices do not move between showing and answering. A wrong choice is
// never another name of the answer.
func soloChoices(e learning.Entry, g *store.OrgGlossary, boardRef string, c, i int) []string {
	h := fnv.New64a()
	fmt.Fprintf(h, "%s/%d/%d", boardRef, c, i)
	rng := rand.New(rand.NewPCG(h.Sum64(), 0x5eed))
	pool := g.Entries()
	rng.Shuffle(len(pool), func(a, b int) { pool[a], pool[b] = pool[b], pool[a] })
	slices.SortStableFunc(pool, func(a, b learning.Entry) int {
		// Same category first, keeping the shuffle within each group.
		sa, sb := a.Category == e.Category, b.Category == e.Category
		switch {
		case sa && !sb:
			return -1
		case sb && !sa:
			return 1
		}
		return 0
	})
	chosen := []learning.Entry{e}
	for _, d := range pool {
		if len(chosen) == learning.ChoicesPerQuestion {
			break
		}
		ok := d.Slug != e.Slug
		for _, x := range chosen {
			ok = ok && !learning.MatchAnswer(d.Term, x) && !learning.MatchAnswer(x.Term, d)
		}
		if ok {
			chosen = append(chosen, d)
		}
	}
	rng.Shuffle(len(chosen), func(a, b int) { chosen[a], chosen[b] = chosen[b], chosen[a] })
	out := make([]string, len(chosen))
	for k, x := range chosen {
		out[k] = x.Term
	}
	return out
}

func (s *Server) soloClueView(r *http.Request, v url.Values) (soloClueView, *store.OrgGlossary, error) {
	b, err := s.store.Board(r.Context(), s.actor(r), r.PathValue("id"))
	if err != nil {
		return soloClueView{}, nil, err
	}
	cl, cat, c, i, err := soloClue(b.Board, v)
	if err != nil {
		return soloClueView{}, nil, err
	}
	g, err := s.store.Glossary(r.Context(), principal(r).Org.ID)
	if err != nil {
		return soloClueView{}, nil, err
	}
	st := readSolo(v, b.Board)
	cv := soloClueView{B: b, Category: cat, Value: cl.Value, Clue: cl, Cat: c, Idx: i, Final: c == -1, State: st, Mode: "type"}
	if v.Get("mode") == "choices" {
		cv.Mode = "choices"
		cv.Choices = soloChoices(clueEntry(g, cl), g, b.Ref, c, i)
	}
	return cv, g, nil
}

func (s *Server) soloCluePage(w http.ResponseWriter, r *http.Request) error {
	v, _, err := s.soloClueView(r, r.URL.Query())
	if err != nil {
		return err
	}
	if v.State.Squares[soloSquare(v.B.Board, v.Cat, v.Idx)] != '0' {
		// Already played: back to the board rather than a second go.
		return redirect(w, r, "/learning/play/"+v.B.Ref+"?"+v.State.query(), "")
	}
	v.Form = newForm(nil)
	return s.render(w, r, "learning_play_clue.html", v)
}

func (s *Server) soloAnswer(w http.ResponseWriter, r *http.Request) error {
	f, err := postForm(r)
	if err != nil {
		return err
	}
	v, g, err := s.soloClueView(r, f.Values)
	if err != nil {
		return err
	}
	v.Form = f
	sq := soloSquare(v.B.Board, v.Cat, v.Idx)
	if v.State.Squares[sq] != '0' {
		return redirect(w, r, "/learning/play/"+v.B.Ref+"?"+v.State.query(), localizer(r).T("messages.learning.had_already_answered"))
	}
	e := clueEntry(g, v.Clue)
	value := v.Clue.Value
	if v.Clue.DailyDouble {
		value *= 2 // solo play has no wager: a daily double counts twice
	}
	switch {
	case f.Get("pass") != "":
		v.Passed = true
	case v.Mode == "choices":
		choice := f.Get("choice")
		if choice == "" || !slices.Contains(v.Choices, choice) {
			f.Errors["choice"] = "Choose one of the answers, or “I don't know”."
			return s.renderStatus(w, r, http.StatusUnprocessableEntity, "learning_play_clue.html", v)
		}
		v.Right = choice == e.Term
	default:
		if f.Get("answer") == "" {
			f.Errors["answer"] = "Type your answer (for example “What is mutuality?”), or choose “I don't know”."
			return s.renderStatus(w, r, http.StatusUnprocessableEntity, "learning_play_clue.html", v)
		}
		if runeLen(f.Get("answer")) > 300 {
			f.Errors["answer"] = "Keep the answer under 300 characters."
			return s.renderStatus(w, r, http.StatusUnprocessableEntity, "learning_play_clue.html", v)
		}
		v.Right = learning.MatchAnswer(f.Get("answer"), e)
	}
	v.Answered = true
	switch {
	case v.Passed:
		v.State.Squares[sq] = '3'
	case v.Right:
		v.State.Squares[sq], v.Gained = '1', value
	default:
		v.State.Squares[sq], v.Gained = '2', -value
	}
	if v.Final {
		v.Gained = 0 // the final clue is for the glory: no wager in solo play
	}
	v.State.Points += v.Gained
	if ge, ok := g.Lookup(v.Clue.Slug); ok {
		v.Entry = &ge
	}
	v.NextURL = "/learning/play/" + v.B.Ref + "?" + v.State.query()
	return s.render(w, r, "learning_play_clue.html", v)
}

func runeLen(s string) int { return len([]rune(s)) }

// The API.

// boardClueJSON is a clue of a board in the API.
type boardClueJSON struct {
	Value       int    `json:"value" doc:"100 to 500; 0 for the final clue"`
	Slug        string `json:"slug" doc:"the glossary entry the clue is about"`
	Clue        string `json:"clue"`
	Answer      string `json:"answer"`
	DailyDouble bool   `json:"daily_double"`
}

type boardCategoryJSON struct {
	Name  string          `json:"name"`
	Clues []boardClueJSON `json:"clues"`
}

// boardJSON is a review-game board in the API.
type boardJSON struct {
	ID            string              `json:"id" doc:"\"default\" for the board shipped with peerpath"`
	Title         string              `json:"title"`
	Categories    []boardCategoryJSON `json:"categories"`
	FinalCategory string              `json:"final_category,omitempty"`
	Final         *boardClueJSON      `json:"final"`
	CreatedBy     string              `json:"created_by,omitempty"`
	UpdatedAt     *time.Time          `json:"updated_at"`
}

func toBoardJSON(b store.StoredBoard) boardJSON {
	clue := func(c learning.Clue) boardClueJSON {
		return boardClueJSON{Value: c.Value, Slug: c.Slug, Clue: c.Clue, Answer: c.Answer, DailyDouble: c.DailyDouble}
	}
	out := boardJSON{ID: b.Ref, Title: b.Board.Title, FinalCategory: b.Board.FinalCategory, CreatedBy: id(b.CreatedBy), UpdatedAt: rfc3339(b.UpdatedAt), Categories: []boardCategoryJSON{}}
	for _, c := range b.Board.Categories {
		cj := boardCategoryJSON{Name: c.Name, Clues: []boardClueJSON{}}
		for _, cl := range c.Clues {
			cj.Clues = append(cj.Clues, clue(cl))
		}
		out.Categories = append(out.Categories, cj)
	}
	if b.Board.Final != nil {
		f := clue(*b.Board.Final)
		out.Final = &f
	}
	return out
}

func (s *Server) apiBoard(w http.ResponseWriter, r *http.Request) error {
	b, err := s.store.Board(r.Context(), s.actor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toBoardJSON(b))
	return nil
}
