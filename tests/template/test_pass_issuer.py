"""template.yaml tells render who the passes say issued them: the registry's name and who a pass
names, as parameters (pasjes.logic.render.issuer_of reads them)."""

from __future__ import annotations

import pytest
from cfnlint.decode import decode

from pasjes.settings import Settings
from tests.template.test_template import TEMPLATE, Template, environment, ref


@pytest.fixture(scope="module")
def template() -> Template:
    decoded, problems = decode(str(TEMPLATE))
    assert decoded is not None, problems
    return dict(decoded)


def test_render_is_told_the_registrys_name_and_who_a_pass_names(template: Template) -> None:
    render = environment(template, "RenderFunction")
    parameters = template["Parameters"]

    assert ref(render["ISSUER_NAME"]) == "IssuerName"
    assert ref(render["ISSUED_BY"]) == "PassIssuedBy"
    assert parameters["IssuerName"]["Default"] == "Het Oranje Kruis"
    # Exactly the values the settings accept; the registry by default.
    allowed = Settings.__dataclass_fields__["issued_by"].type
    assert set(parameters["PassIssuedBy"]["AllowedValues"]) == {"registry", "organisation"}
    assert all(value in str(allowed) for value in parameters["PassIssuedBy"]["AllowedValues"])
    assert parameters["PassIssuedBy"]["Default"] == "registry"
