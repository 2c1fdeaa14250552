# Package floe.images: product images come from the contract's registry and are
# pinned (POL-SEC-08; D-RND-12).
package floe.images

import data.floe.lib

rules["POL-SEC-08"] := {
	"title": "Images come from the contract's registry with an immutable tag",
	"severity": "deny",
	"remediation": "Use <runtime.artifactRegistry>/<product>:<tag> with the tag the contract's imageTagPolicy asks for (git-sha: the 12-hex commit SHA), optionally pinned with @sha256:<digest>; never latest, never untagged, never a chart's default image.",
}

# mutable_tags are tags that conventionally move.
mutable_tags := {"latest", "stable", "edge", "nightly", "main", "master", "head", "dev", "develop", "snapshot", "canary"}

policy_hint := {
	"git-sha": "tag must be a 7-40 hex commit SHA",
	"semver": "tag must be a semantic version",
	"digest": "image must be pinned with @sha256:<digest>",
}

violation contains {"rule": "POL-SEC-08", "i": x.i, "msg": msg} if {
	some x in lib.containers
	some problem in problems(object.get(x.c, "image", ""))
	msg := sprintf("%s: %s", [lib.label(x.field, x.name), problem])
}

# problems lists what is wrong with one image reference (cached per image). Most
# images are fine and distinct (one per product), so a few builtins recognise the
# common good one (pinned_ok) before the checks are worked out one by one.
problems(img) := ["has no image"] if {
	not is_string(img)
} else := ["has no image"] if {
	img == ""
} else := [] if {
	pinned_ok(img)
} else := [p | some check in checks; p := problem(check, img)]

# pinned_ok holds for an image from the registry (when the contract names one) whose
# tag is a 7-40 hex commit SHA, under tag policy git-sha or none; it agrees with
# count(problems) == 0 (FuzzFastPaths).
pinned_ok(img) if {
	sha_policy
	from_registry(img)
	regex.match(`^(?:[^@]*/)?[^/:@]+:[0-9a-f]{7,40}(?:@.*)?$`, img)
}

sha_policy if not lib.param("tagPolicy")

sha_policy if lib.param("tagPolicy") == "git-sha"

from_registry(_) if not lib.param("registry")

from_registry(img) if startswith(img, concat("", [trim_right(lib.param("registry"), "/"), "/"]))

checks := ["registry", "untagged", "mutable", "policy"]

problem("registry", img) := sprintf("image %q is not from registry %q", [img, registry]) if {
	registry := trim_right(lib.param("registry"), "/")
	not startswith(img, concat("", [registry, "/"]))
}

problem("untagged", img) := sprintf("image %q has no tag or digest", [img]) if {
	untagged(parse(img))
}

problem("mutable", img) := sprintf("image %q uses the mutable tag %q", [img, ref.tag]) if {
	ref := parse(img)
	lower(ref.tag) in mutable_tags
}

problem("policy", img) := sprintf("image %q does not follow imageTagPolicy %s (%s)", [img, policy, policy_hint[policy]]) if {
	policy := lib.param("tagPolicy")
	ref := parse(img)
	not untagged(ref)
	not lower(ref.tag) in mutable_tags
	not tag_follows(policy, ref)
}

untagged(ref) if {
	ref.tag == ""
	ref.digest == ""
}

# parse splits an image reference into {"tag", "digest"}; the tag is what follows the
# last ':' of the last path segment (a registry port is in an earlier segment).
parse(img) := {"tag": tag, "digest": digest} if {
	parts := split(img, "@")
	digest := concat("@", array.slice(parts, 1, count(parts)))
	segs := split(parts[0], "/")
	last := segs[count(segs) - 1]
	tag := tag_of(last)
}

tag_of(last) := substring(last, indexof(last, ":") + 1, -1) if contains(last, ":")

tag_of(last) := "" if not contains(last, ":")

sha_digest(d) if regex.match(`^sha256:[0-9a-f]{64}$`, d)

tag_follows("git-sha", ref) if regex.match(`^[0-9a-f]{7,40}$`, ref.tag)

tag_follows("git-sha", ref) if {
	lib.env_class == "dev"
	regex.match(`^[0-9a-f]{12}-dirty-[0-9a-f]{12}$`, ref.tag)
}

tag_follows("git-sha", ref) if {
	ref.tag == ""
	sha_digest(ref.digest)
}

tag_follows("semver", ref) if {
	regex.match(`^v?(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$`, ref.tag)
}

tag_follows("semver", ref) if {
	ref.tag == ""
	sha_digest(ref.digest)
}

tag_follows("digest", ref) if sha_digest(ref.digest)
