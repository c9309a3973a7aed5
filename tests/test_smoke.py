from app.kinds import Kind


def test_register_problem_routes_and_numbers(create_signal):
    signal = create_signal(Kind.problem)
    assert signal.number.startswith("SG-")
    assert signal.area.code == "01"
