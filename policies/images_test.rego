package floe.images_test

import data.floe.testlib as t

image_path := concat("/", [t.cj_container, "image"])

with_image(img) := t.patched(t.cronjob, image_path, img)

msgs(img, p) := t.messages("POL-SEC-08", [with_image(img)], p)

test_pol_sec_08_pass_git_sha if {
	not "POL-SEC-08" in t.fired(t.good, t.params)
}

test_pol_sec_08_pass_digest_pinned if {
	img := sprintf("registry.example.com/data-products/orders:0123456789ab@sha256:%064d", [0])
	count(msgs(img, t.params)) == 0
}

test_pol_sec_08_pass_semver_policy if {
	count(msgs("registry.example.com/data-products/orders:v1.4.2", t.params_with({"tagPolicy": "semver"}))) == 0
}

test_pol_sec_08_pass_registry_with_port if {
	p := t.params_with({"registry": "registry.example.com:5000/dp/"})
	count(msgs("registry.example.com:5000/dp/orders:0123456789ab", p)) == 0
}

test_pol_sec_08_pass_dirty_tag_in_dev if {
	p := t.params_with({"environment": "dev"})
	count(msgs("registry.example.com/data-products/orders:0123456789ab-dirty-0123456789ab", p)) == 0
}

test_pol_sec_08_pass_no_registry_param if {
	p := object.remove(t.params, ["registry", "tagPolicy"])
	count(msgs("ghcr.io/acme/orders:1.0.0", p)) == 0
}

test_pol_sec_08_fail_chart_default if {
	msgs("ghcr.io/dbt-labs/dbt-core:1.8.0", t.params) == {
		`container "dbt": image "ghcr.io/dbt-labs/dbt-core:1.8.0" is not from registry "registry.example.com/data-products"`,
		`container "dbt": image "ghcr.io/dbt-labs/dbt-core:1.8.0" does not follow imageTagPolicy git-sha (tag must be a 7-40 hex commit SHA)`,
	}
}

test_pol_sec_08_fail_latest if {
	msgs("registry.example.com/data-products/orders:latest", t.params) == {`container "dbt": image "registry.example.com/data-products/orders:latest" uses the mutable tag "latest"`}
}

test_pol_sec_08_fail_untagged if {
	msgs("registry.example.com/data-products/orders", t.params) == {`container "dbt": image "registry.example.com/data-products/orders" has no tag or digest`}
}

test_pol_sec_08_fail_registry_prefix_is_not_enough if {
	# "registry.example.com/data-products-evil" starts with the registry text but is another repository
	msgs("registry.example.com/data-products-evil/orders:0123456789ab", t.params) == {`container "dbt": image "registry.example.com/data-products-evil/orders:0123456789ab" is not from registry "registry.example.com/data-products"`}
}

test_pol_sec_08_fail_dirty_tag_outside_dev if {
	count(msgs("registry.example.com/data-products/orders:0123456789ab-dirty-0123456789ab", t.params)) == 1
}

test_pol_sec_08_fail_digest_policy if {
	msgs("registry.example.com/data-products/orders:0123456789ab", t.params_with({"tagPolicy": "digest"})) == {`container "dbt": image "registry.example.com/data-products/orders:0123456789ab" does not follow imageTagPolicy digest (image must be pinned with @sha256:<digest>)`}
}

test_pol_sec_08_fail_no_image if {
	cj := t.removed(t.cronjob, image_path)
	t.messages("POL-SEC-08", [cj], t.params) == {`container "dbt": has no image`}
}
