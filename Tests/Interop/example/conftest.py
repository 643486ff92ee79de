"""pytest fixtures that put a virtual BLED112 under a pygatt test suite.

Copy this file (and a scenario describing your device) into your own tests/ folder. The fixture starts
`bled112-emulator` (from $BLED112_EMULATOR, or on $PATH) with a `--link`, waits for the pty path it prints,
and gives each test a started `pygatt.BGAPIBackend` on the link. The link matters: pygatt's `start()` resets
the dongle, and a BLED112 drops off USB on a reset and comes back on a new pty; the link follows it.
"""
import os
import shutil
import subprocess

import pytest
from pygatt.backends import BGAPIBackend

HERE = os.path.dirname(os.path.abspath(__file__))


def emulator_binary():
    path = os.environ.get("BLED112_EMULATOR") or shutil.which("bled112-emulator")
    if not path:
        pytest.fail("bled112-emulator not found: build it (swift build) and set BLED112_EMULATOR")
    return path


@pytest.fixture
def emulator(tmp_path, request):
    """A running virtual dongle; yields the path of its --link. `@pytest.mark.scenario("file.json")` picks the world."""
    marker = request.node.get_closest_marker("scenario")
    scenario = os.path.join(HERE, marker.args[0]) if marker else "demo"
    link = str(tmp_path / "ttyBLED112")
    process = subprocess.Popen([emulator_binary(), "--scenario", scenario, "--link", link, "--fast"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    first_line = process.stdout.readline().strip()
    if not first_line.startswith("/"):
        process.kill()
        pytest.fail("emulator did not start: " + process.stderr.read())
    yield link
    process.terminate()
    process.wait(timeout=5)


@pytest.fixture
def adapter(emulator):
    """A started pygatt BGAPIBackend on the virtual dongle."""
    backend = BGAPIBackend(serial_port=emulator)
    backend.start()  # resets the dongle: it leaves the bus and comes back, as a BLED112 does
    yield backend
    backend.stop()


def pytest_configure(config):
    config.addinivalue_line("markers", "scenario(file): the emulator scenario a test runs against")
