package policies

import "sync"

// What one call of each hermetic builtin may allocate (D-SEC-07). The memory bound
// (internal/membound) sees a value grow from one call to the next, and the check's
// deadline stops an evaluation between calls; neither sees inside one call. So every
// builtin Capabilities offers is classified here, by what one call can produce from
// what it is given:
//
//   - linear: at most a small constant times the memory its operands hold (or an
//     answer of fixed size). Growth takes many calls, which the bounds see.
//   - capped: the answer's size is set by an operand's value (a count, a width) or by
//     how often a shared value is repeated (a string joined a thousand times); floe
//     wraps the builtin with a check of the size it would produce, made before it
//     allocates (builtinbounds.go).
//   - amplifying: one call can produce far more than its operands hold, and neither
//     floe's rules nor a platform's need it: left out of Capabilities, so a bundle
//     calling it is refused at load, naming file, line and builtin.
//
// A hermetic builtin missing here (one a newer OPA adds) is left out of Capabilities
// until it is classified: the table is an allowlist, not a list of builtins to avoid.

// linearBuiltins answer with at most a small constant times what their operands hold.
var linearBuiltins = []string{
	// Answers of fixed size: predicates, comparisons, counts, digests, signatures.
	"all", "any", "assign", "eq", "equal", "neq", "gt", "gte", "lt", "lte",
	"internal.member_2", "internal.member_3", "count", "type_name",
	"is_array", "is_boolean", "is_null", "is_number", "is_object", "is_set", "is_string",
	"contains", "startswith", "endswith", "indexof", "strings.count",
	"base64.is_valid", "json.is_valid", "regex.is_valid", "net.cidr_is_valid", "uri.is_valid",
	"semver.is_valid", "semver.compare", "regex.match", "re_match", "glob.match",
	"regex.globs_match", "regex.template_match", "net.cidr_contains", "net.cidr_intersects",
	"net.cidr_overlap", "object.subset", "strings.any_prefix_match", "strings.any_suffix_match",
	"crypto.md5", "crypto.sha1", "crypto.sha256", "crypto.hmac.md5", "crypto.hmac.sha1",
	"crypto.hmac.sha256", "crypto.hmac.sha512", "crypto.hmac.equal",
	"io.jwt.verify_eddsa", "io.jwt.verify_es256", "io.jwt.verify_es384", "io.jwt.verify_es512",
	"io.jwt.verify_hs256", "io.jwt.verify_hs384", "io.jwt.verify_hs512", "io.jwt.verify_ps256",
	"io.jwt.verify_ps384", "io.jwt.verify_ps512", "io.jwt.verify_rs256", "io.jwt.verify_rs384",
	"io.jwt.verify_rs512",
	// Numbers: as many digits as the operands together, plus one (rego number literals
	// are bounded by OPA's parser; mul and product are capped below).
	"abs", "ceil", "floor", "round", "plus", "minus", "div", "rem", "sum", "max", "min",
	"to_number", "format_int", "bits.and", "bits.or", "bits.xor", "bits.negate", "bits.rsh",
	"units.parse", "units.parse_bytes",
	// Strings: a few bytes out per byte in (hex doubles, a split term per byte).
	"lower", "upper", "trim", "trim_left", "trim_right", "trim_prefix", "trim_suffix",
	"trim_space", "substring", "strings.reverse", "split", "strings.split_n", "indexof_n",
	"regex.split", "regex.find_n", "regex.find_all_string_submatch_n", "glob.quote_meta",
	"base64.encode", "base64.decode", "base64url.encode", "base64url.encode_no_pad",
	"base64url.decode", "hex.encode", "hex.decode", "urlquery.encode", "urlquery.decode",
	"urlquery.encode_object", "urlquery.decode_object",
	// Collections: no more elements than the operands have together (shared values are
	// shared, not copied); walk yields one path per call of its iterator.
	"array.concat", "array.reverse", "array.slice", "and", "or", "intersection", "union",
	"set_diff", "sort", "object.filter", "object.get", "object.keys", "object.remove",
	"object.union", "object.union_n", "json.filter", "json.remove", "json.patch",
	"graph.reachable", "walk", "net.cidr_merge",
	"cast_array", "cast_boolean", "cast_null", "cast_object", "cast_set", "cast_string",
	// Parsers of a string into a value of its size.
	"json.unmarshal", "uri.parse", "uuid.parse", "io.jwt.decode", "io.jwt.decode_verify",
	"crypto.x509.parse_certificates", "crypto.x509.parse_certificate_request",
	"crypto.x509.parse_keypair", "crypto.x509.parse_rsa_private_key",
	"crypto.parse_private_keys", "rego.parse_module", "rego.metadata.chain",
	"rego.metadata.rule", "providers.aws.sign_req", "graphql.parse", "graphql.parse_query",
	"graphql.parse_schema", "graphql.parse_and_verify", "graphql.is_valid",
	"graphql.schema_is_valid",
	"time.add_date", "time.clock", "time.date", "time.diff", "time.format", "time.now_ns",
	"time.parse_duration_ns", "time.parse_ns", "time.parse_rfc3339_ns", "time.weekday",
	// Erased by the compiler or writing nowhere (floe enables neither print nor tracing).
	"print", "internal.print", "trace", "internal.test_case",
}

// amplifyingBuiltins are left out of Capabilities, each with why.
var amplifyingBuiltins = map[string]string{
	"bits.lsh":                  "its result has as many bits as its second operand says",
	"strings.render_template":   "a template's nested range repeats its body exponentially often",
	"graph.reachable_paths":     "a graph's paths grow exponentially with its edges",
	"net.cidr_expand":           "a prefix of n bits expands to 2^(32-n) or 2^(128-n) addresses",
	"net.cidr_contains_matches": "it answers every pair of its two collections",
	"json.marshal_with_options": "its indent is repeated once per nesting level on every line",
}

// builtinCost is a builtin's class: "linear", "capped" (a key of cappedBuiltins) or
// "amplifying"; "" when it is not classified.
func builtinCost(name string) string {
	switch {
	case linearSet()[name]:
		return "linear"
	case cappedBuiltins[name] != nil:
		return "capped"
	case amplifyingBuiltins[name] != "":
		return "amplifying"
	}
	return ""
}

// linearSet is linearBuiltins as a set.
var linearSet = sync.OnceValue(func() map[string]bool {
	set := map[string]bool{}
	for _, name := range linearBuiltins {
		set[name] = true
	}
	return set
})
