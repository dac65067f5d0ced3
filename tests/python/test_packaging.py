"""The Python package installs offline: `pip install .` and `make install`."""
import os
import pathlib
import shutil
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
BUILD = pathlib.Path(os.environ.get("PXC_BUILD_DIR", ROOT / "build")).resolve()

CHECK = ("import numpy as np, pixcodec\n"
         "a = np.arange(48, dtype=np.uint8).reshape(4, 4, 3)\n"
         "e = pixcodec.Encoder(); d = pixcodec.Decoder()\n"
         "assert (np.asarray(d.decode(e.encode(a, 'png'))) == a).all()\n"
         "print(pixcodec.__file__)\n")


def test_pip_install_offline(tmp_path):
    venv = tmp_path / "venv"
    r = subprocess.run(["/usr/bin/python3", "-m", "venv", "--system-site-packages", str(venv)],
                       capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip(f"python3-venv unavailable: {r.stderr.strip()[:200]}")
    src = tmp_path / "src"
    # a clean copy of the sources, as a user would have them
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns("build*", ".git", "__pycache__", "*.egg-info"))
    r = subprocess.run([str(venv / "bin" / "pip"), "install", "--no-index", str(src)], capture_output=True,
                       text=True, timeout=600)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    r = subprocess.run([str(venv / "bin" / "python"), "-c", CHECK], capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert str(venv) in r.stdout


def test_make_install_python(tmp_path):
    prefix = tmp_path / "prefix"
    r = subprocess.run(["cmake", "--install", str(BUILD), "--prefix", str(prefix)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    found = list(prefix.glob("lib/python3*/dist-packages/pixcodec/_pixcodec*.so"))
    assert found, list(prefix.rglob("*"))[:20]
    env = dict(os.environ, PYTHONPATH=str(found[0].parent.parent))
    r = subprocess.run(["/usr/bin/python3", "-c", CHECK], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert str(prefix) in r.stdout
    assert (found[0].parent / "py.typed").is_file() and (found[0].parent / "__init__.pyi").is_file()
