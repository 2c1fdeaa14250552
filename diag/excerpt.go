package diag

import (
	"strconv"
	"unicode/utf8"
)

// ExcerptLimit is how many bytes of a value a message quotes at most.
const ExcerptLimit = 80

// Excerpt is the part of a user-supplied value a message may quote: the value itself
// when it has at most ExcerptLimit bytes, else its first ExcerptLimit bytes (cut at a
// character boundary) followed by "…(N bytes)", N the value's full length. Every message
// quoting input goes through it, so a huge value cannot flood a terminal or a log.
func Excerpt(v string) string {
	if len(v) <= ExcerptLimit {
		return v
	}
	cut := ExcerptLimit
	for cut > 0 && !utf8.RuneStart(v[cut]) {
		cut--
	}
	return v[:cut] + "…(" + strconv.Itoa(len(v)) + " bytes)"
}
