"""The pytest plugin's logic, apart from its hooks (:mod:`driftguard.pytest_plugin`).

:mod:`~driftguard._plugin.fixture` is what ``driftguard.check`` does in a test;
:mod:`~driftguard._plugin.session` what one session saw, merged across xdist workers.
Nothing here imports pytest.
"""
