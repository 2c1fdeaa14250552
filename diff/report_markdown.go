package diff

import (
	"errors"
	"fmt"
	"html"
	"io"
	"strings"
	"unicode/utf8"
)

// DefaultMaxCommentChars is the budget of one pull-request comment: GitHub refuses a
// comment body over 65,536 characters.
const DefaultMaxCommentChars = 65536

// MinCommentChars is the smallest budget accepted: a header, a table row and one
// product's truncated section fit in it.
const MinCommentChars = 4096

// CommentMarker starts the one comment floe writes (D-DIFF-07); a part of a split
// report starts with "<!-- floe-diff part N -->". A CI step finds its comment by it and
// updates it in place.
const CommentMarker = "<!-- floe-diff -->"

// Bounds that keep every unit of a comment small against the budget.
const (
	maxMarkdownLine = 1000 // bytes of one line inside a code fence
	maxMarkdownName = 200  // bytes of a path or rule shown in a table or summary
	noteReserve     = 400  // room kept for the closing note of a single comment
	headerReserve   = 120  // room for a part's header with the widest part numbers
	maxParts        = 9999
)

// WriteReportMarkdown writes r as one pull-request comment of at most maxChars bytes
// (so at most maxChars characters): what does not fit is left out, with a note.
func WriteReportMarkdown(w io.Writer, r *Report, maxChars int) error {
	parts, err := ReportMarkdown(r, maxChars, false)
	if err != nil {
		return err
	}
	_, err = io.WriteString(w, parts[0])
	return err
}

// ReportMarkdown is r as pull-request comments of at most maxChars bytes each (bytes,
// so never more characters): a summary table first, then one <details> section per
// product. Every part is well-formed on its own: each unit (a table row, a list item,
// a product's section) is closed before the next begins, and a product's section that
// does not fit is cut inside its code fence with a note, never across a closing tag or
// fence. Without split there is one part, and what does not fit is left out with a
// note at its end; with split, as many parts as needed (the table is continued under a
// repeated header).
func ReportMarkdown(r *Report, maxChars int, split bool) ([]string, error) {
	if maxChars < MinCommentChars {
		return nil, fmt.Errorf("a comment budget of %d characters is too small: at least %d", maxChars, MinCommentChars)
	}
	p := &packer{max: maxChars, split: split}
	p.start()
	p.cur.WriteString(intro(r))
	if len(r.Products) > 0 {
		p.tableHeader = "| Product | Runtime | Change | Objects (+ − ~) | Highlights | Policy before → after |\n| --- | --- | --- | --- | --- | --- |\n"
		for _, pr := range r.Products {
			if !p.add(tableRow(pr), unitRow) {
				break
			}
		}
		p.tableHeader = ""
	}
	if len(r.Expiring) > 0 && !p.stopped {
		p.add(fmt.Sprintf("\n**Policy exceptions expiring within %d days**\n\n", r.ExpiryWindowDays), unitOther)
		for _, e := range r.Expiring {
			if !p.add("- "+mdText(expiringLine(e))+"\n", unitOther) {
				break
			}
		}
	}
	for _, pr := range r.Products {
		if !p.addBlock(pr) {
			break
		}
	}
	return p.finish()
}

// intro is the first part's opening: the headline and the two sides.
func intro(r *Report) string {
	return fmt.Sprintf("**%s**\n\nbase %s → head %s, products under %s\n\n",
		mdText(r.headline()), mdCode(cut(r.Base, maxMarkdownName)), mdCode(cut(r.Head, maxMarkdownName)), mdCode(cut(r.Dir, maxMarkdownName)))
}

func tableRow(p ProductReport) string {
	return fmt.Sprintf("| %s | %s | %s | %s | %s | %s |\n", mdCode(cut(p.Path, maxMarkdownName)), mdText(cut(p.Runtime, maxMarkdownName)), p.Change,
		objectCounts(p.Diff), mdText(strings.Join(p.Highlights, ", ")), mdText(p.Policy.Before.String()+" → "+p.Policy.After.String()))
}

// productBlock is one product's <details> section in at most limit bytes (limit < 0:
// whole), cut inside its fence with a note when it does not fit; "" when not even the
// section's frame fits.
func productBlock(p ProductReport, limit int) string {
	summary := fmt.Sprintf("<code>%s</code> (%s): %s", htmlText(p.Path), htmlText(p.Runtime), p.Change)
	if c := objectCounts(p.Diff); c != "" {
		summary += ", objects " + html.EscapeString(c)
	}
	if p.Cause != "" {
		summary += ", because <code>" + htmlText(p.Cause) + "</code> changed"
	}
	lines := productLines(p)
	for i, l := range lines {
		lines[i] = cut(clean(l), maxMarkdownLine) // one line each: a newline could end the fence
	}
	fence := codeFence(lines)
	open := "\n<details>\n<summary>" + summary + "</summary>\n\n" + fence + "diff\n"
	closing := fence + "\n\n</details>\n"
	total := len(open) + len(closing)
	for _, l := range lines {
		total += len(l) + 1
	}
	if limit < 0 || total <= limit {
		return open + strings.Join(lines, "\n") + "\n" + closing
	}
	note := func(n int) string {
		return fmt.Sprintf("… %d more lines left out to fit the comment (floe diff --all --format text shows them all)", n)
	}
	room := limit - len(open) - len(closing) - len(note(len(lines))) - 1
	if room < 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString(open)
	kept := 0
	for _, l := range lines {
		if len(l)+1 > room {
			break
		}
		room -= len(l) + 1
		b.WriteString(l + "\n")
		kept++
	}
	b.WriteString(note(len(lines)-kept) + "\n")
	b.WriteString(closing)
	return b.String()
}

type unitKind int

const (
	unitRow unitKind = iota
	unitOther
	unitBlock
)

// packer fills comments unit by unit within the budget.
type packer struct {
	max         int
	split       bool
	parts       []string
	cur         strings.Builder
	tableHeader string // repeated atop a part that continues the table; "" outside it
	inTable     bool   // the current part's last unit is a table row
	stopped     bool   // single comment: the budget is spent
	leftRows    int
	leftBlocks  int
	leftOther   int
}

func (p *packer) start() {
	p.cur.Reset()
	p.inTable = false
}

func (p *packer) room() int {
	reserve := headerReserve
	if !p.split {
		reserve += noteReserve
	}
	return p.max - reserve - p.cur.Len()
}

func (p *packer) flush() {
	p.parts = append(p.parts, p.cur.String())
	p.start()
}

// prefix is what must precede a unit of kind k in the current part.
func (p *packer) prefix(k unitKind) string {
	if k == unitRow && !p.inTable {
		return p.tableHeader
	}
	return ""
}

// add appends one unit that is never cut; false once a single comment is full.
func (p *packer) add(s string, k unitKind) bool {
	if p.stopped {
		p.leftOut(k)
		return false
	}
	if pre := p.prefix(k); len(pre)+len(s) <= p.room() {
		p.put(pre+s, k)
		return true
	}
	if !p.split {
		p.stopped = true
		p.leftOut(k)
		return false
	}
	p.flush()
	p.put(p.prefix(k)+s, k) // a lone row or list item always fits an empty part
	return true
}

func (p *packer) put(s string, k unitKind) {
	p.cur.WriteString(s)
	p.inTable = k == unitRow
}

// addBlock appends a product's section, cut to fit when it must be.
func (p *packer) addBlock(pr ProductReport) bool {
	if p.stopped {
		p.leftOut(unitBlock)
		return false
	}
	if b := productBlock(pr, -1); len(b) <= p.room() {
		p.put(b, unitBlock)
		return true
	}
	if p.split && p.cur.Len() > 0 {
		p.flush()
		if b := productBlock(pr, -1); len(b) <= p.room() {
			p.put(b, unitBlock)
			return true
		}
	}
	b := productBlock(pr, p.room())
	if b == "" {
		p.stopped = !p.split
		p.leftOut(unitBlock)
		return p.split
	}
	p.put(b, unitBlock)
	if !p.split {
		p.stopped = true // the rest of the budget is the note's
	}
	return true
}

func (p *packer) leftOut(k unitKind) {
	switch k {
	case unitRow:
		p.leftRows++
	case unitBlock:
		p.leftBlocks++
	default:
		p.leftOther++
	}
}

// finish closes the last part, adds the note of what a single comment left out, and
// puts each part's header on.
func (p *packer) finish() ([]string, error) {
	if p.leftRows+p.leftBlocks+p.leftOther > 0 {
		p.cur.WriteString(fmt.Sprintf("\n_Left out to stay within %d characters: %d table rows, %d product sections, %d other lines. `floe diff --all --split DIR` writes every part; `--format text` shows everything._\n",
			p.max, p.leftRows, p.leftBlocks, p.leftOther))
	}
	p.flush()
	n := len(p.parts)
	if n > maxParts {
		return nil, fmt.Errorf("the report needs %d comments of %d characters, more than %d", n, p.max, maxParts)
	}
	for i, body := range p.parts {
		var head string
		switch {
		case !p.split:
			head = CommentMarker + "\n### floe diff\n\n"
		case i == 0:
			head = fmt.Sprintf("%s\n<!-- floe-diff part %d -->\n### floe diff (part %d of %d)\n\n", CommentMarker, i+1, i+1, n)
		default:
			head = fmt.Sprintf("<!-- floe-diff part %d -->\n### floe diff (part %d of %d)\n\n", i+1, i+1, n)
		}
		p.parts[i] = head + body
		if len(p.parts[i]) > p.max {
			return nil, errors.New("markdown: a part exceeds its budget (a bug)")
		}
	}
	return p.parts, nil
}

// htmlText is a name for an HTML element's text: one line, shortened, escaped.
func htmlText(s string) string { return html.EscapeString(clean(cut(s, maxMarkdownName))) }

// mdEscaper escapes the characters markdown would read as markup in plain text.
var mdEscaper = strings.NewReplacer(`\`, `\\`, "|", `\|`, "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`, "`", "\\`", "~", `\~`, "\n", " ")

// mdText is plain text safe in a table cell or a list item: no HTML, no markup, one line.
func mdText(s string) string {
	return mdEscaper.Replace(html.EscapeString(clean(s)))
}

// cut shortens s to at most n bytes, on a rune boundary, marking the cut with "…".
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := n - len("…")
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}
