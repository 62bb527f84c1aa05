"""What a project says it installs: the distributions its dependency files declare, and the
folders its own packaging installs packages from. Read, never executed; used to tell a
module a command names that may come from elsewhere from one that exists nowhere.

Dependency files, in an app's folder (where a platform builds it: the Procfile's folder):
``requirements*.txt`` (and ``requirements/*.txt``, ``-r`` includes),
``pyproject.toml`` (``[project]`` dependencies and optional ones, Poetry's dependency
tables), ``setup.cfg`` (``install_requires``, ``extras_require``), literal
``install_requires=`` in ``setup.py``, and ``Pipfile``. A requirement that names no
distribution (``-e .``, a path, a URL without ``#egg=``) makes the list *open*: anything may
come from it.
"""

from __future__ import annotations

import ast
import configparser
import re
from dataclasses import dataclass, field
from pathlib import Path

from twelvecheck.core import toml as _toml

MAX_REQUIREMENTS_BYTES = 256 * 1024
MAX_INCLUDES = 20
_NAME_RE = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
_EGG_RE = re.compile(r"#egg=([A-Za-z0-9][A-Za-z0-9._-]*)")

# Distributions whose import name is none of the words of their name (PEP 503 normalized
# name -> top-level modules), the common ones: verified against each project's top_level.txt
# on PyPI. A module that is a word of a declared name (python-dateutil -> dateutil,
# psycopg2-binary -> psycopg2) needs no entry.
IMPORT_NAMES: dict[str, tuple[str, ...]] = {
    "beautifulsoup4": ("bs4",),
    "pillow": ("PIL",),
    "pyyaml": ("yaml", "_yaml"),
    "scikit-learn": ("sklearn",),
    "opencv-python": ("cv2",),
    "opencv-python-headless": ("cv2",),
    "pytelegrambotapi": ("telebot",),
    "pyjwt": ("jwt",),
    "pycryptodome": ("Crypto",),
    "pycryptodomex": ("Cryptodome",),
    "pyserial": ("serial",),
    "dnspython": ("dns",),
    "protobuf": ("google",),
    "setuptools": ("setuptools", "pkg_resources", "_distutils_hack"),
    "attrs": ("attr", "attrs"),
    "pymupdf": ("fitz", "pymupdf"),
    "mysqlclient": ("MySQLdb",),
    "python-magic": ("magic",),
    "msgpack-python": ("msgpack",),
    "websocket-client": ("websocket",),
    "pywin32": ("win32api", "win32con", "pywintypes"),
}


def normalized(name: str) -> str:
    """PEP 503: ``Django_Celery.Beat`` -> ``django-celery-beat``."""
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass
class Dependencies:
    names: set[str] = field(default_factory=set)  # normalized distribution names
    files: list[str] = field(default_factory=list)  # the files read, relative to the root
    open: bool = False  # something is installed that the files do not name

    def may_provide(self, module: str) -> bool:
        """Whether a declared distribution may install top-level module ``module``."""
        if self.open:
            return True
        wanted = normalized(module)
        for name in self.names:
            if wanted == name or wanted in name.split("-") or module in IMPORT_NAMES.get(name, ()):
                return True
            if wanted.replace("-", "") == name.replace("-", ""):  # pyTelegramBot / py-telegram-bot
                return True
        return False


def declared_dependencies(folder: Path, root: Path | None = None) -> Dependencies:
    """The dependencies an app in ``folder`` declares (files named relative to ``root``)."""
    found = Dependencies()
    for path in _dependency_files(folder):
        _read_file(path, found, root or folder, set())
    return found


def package_roots(folder: Path) -> list[Path]:
    """Where an app's own packaging (in ``folder``) installs packages from: the folder, its
    ``src/``, and the folders the packaging files name (``package_dir``, ``packages.find
    where``, Poetry's ``packages`` ``from``)."""
    roots: list[Path] = [folder, folder / "src"]
    for named in _packaging_dirs(folder):
        if folder / named not in roots:
            roots.append(folder / named)
    return roots


def _dependency_files(directory: Path) -> list[Path]:
    try:
        names = sorted(directory.glob("requirements*.txt")) + sorted(directory.glob("requirements/*.txt"))
        names += [directory / n for n in ("pyproject.toml", "setup.cfg", "setup.py", "Pipfile")]
        return [path for path in names if path.is_file()]
    except OSError:
        return []


def _text(path: Path) -> str | None:
    try:
        if path.stat().st_size > MAX_REQUIREMENTS_BYTES:
            return None
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def _shown(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except (OSError, ValueError):
        return path.name


def _read_file(path: Path, found: Dependencies, root: Path, seen: set[Path]) -> None:
    text = _text(path)
    if text is None or path in seen or len(seen) > MAX_INCLUDES:
        return
    seen.add(path)
    declares = True
    if path.name == "pyproject.toml":
        declares = _pyproject(text, found)
    elif path.name == "setup.cfg":
        declares = _setup_cfg(text, found)
    elif path.name == "setup.py":
        _setup_py(text, found)
    elif path.name == "Pipfile":
        _pipfile(text, found)
    else:
        for line in text.splitlines():
            _requirement_line(line, path, found, root, seen)
    shown = _shown(path, root)
    if declares and shown not in found.files:  # a pyproject.toml of tool settings only declares nothing
        found.files.append(shown)


def _requirement_line(line: str, path: Path, found: Dependencies, root: Path, seen: set[Path]) -> None:
    line = re.sub(r"(^|\s)#.*", "", line).strip()
    if not line:
        return
    if line.startswith(("-r", "--requirement", "-c", "--constraint")):
        parts = line.split(None, 1) if " " in line else [line[:2], line[2:]]
        if len(parts) == 2 and parts[1].strip() and not line.startswith(("-c", "--constraint")):
            _read_file((path.parent / parts[1].strip()).resolve(), found, root, seen)
        return
    if line.startswith(("-e", "--editable")) or "/" in line.split(";")[0].split("@")[0] or line.startswith("."):
        egg = _EGG_RE.search(line)
        if egg:
            found.names.add(normalized(egg.group(1)))
        else:
            found.open = True  # the project itself, a local folder, a URL: unknown modules
        return
    if line.startswith("-"):
        return  # --index-url, --find-links, --hash...
    _add_requirement(line, found)


def _add_requirement(text: str, found: Dependencies) -> None:
    match = _NAME_RE.match(text)
    if match:
        found.names.add(normalized(match.group(1)))


def _pyproject(text: str, found: Dependencies) -> bool:
    """Read a pyproject.toml; whether it declares a project at all."""
    try:
        data = _toml.loads(text)
    except (_toml.TOMLDecodeError, RecursionError):
        found.open = True
        return True
    project = data.get("project") if isinstance(data.get("project"), dict) else {}
    if isinstance(project.get("name"), str):
        found.names.add(normalized(project["name"]))
    lists = [project.get("dependencies")]
    optional = project.get("optional-dependencies")
    if isinstance(optional, dict):
        lists += list(optional.values())
    groups = data.get("dependency-groups")
    if isinstance(groups, dict):
        lists += list(groups.values())
    for items in lists:
        for item in items if isinstance(items, list) else []:
            if isinstance(item, str):
                _add_requirement(item, found)
    poetry = data.get("tool", {}).get("poetry", {}) if isinstance(data.get("tool"), dict) else {}
    if isinstance(poetry, dict):
        if isinstance(poetry.get("name"), str):
            found.names.add(normalized(poetry["name"]))
        tables = [poetry.get("dependencies"), poetry.get("dev-dependencies")]
        group = poetry.get("group")
        if isinstance(group, dict):
            tables += [g.get("dependencies") for g in group.values() if isinstance(g, dict)]
        for table in tables:
            if isinstance(table, dict):
                found.names.update(normalized(name) for name in table if name != "python")
    return bool(project) or bool(poetry) or bool(groups)


def _setup_cfg(text: str, found: Dependencies) -> bool:
    """Read a setup.cfg; whether it declares a project (a tool's settings alone do not)."""
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text)
    except configparser.Error:
        found.open = True
        return True
    name = parser.get("metadata", "name", fallback="")
    if name.strip():
        found.names.add(normalized(name.strip()))
    values = [parser.get("options", "install_requires", fallback="")]
    if parser.has_section("options.extras_require"):
        values += [value for _, value in parser.items("options.extras_require")]
    for value in values:
        for line in value.splitlines():
            if line.strip():
                _add_requirement(line, found)
    return parser.has_section("metadata") or parser.has_section("options")


def _setup_py(text: str, found: Dependencies) -> None:
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError):
        found.open = True
        return
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        for keyword in node.keywords:
            if keyword.arg == "name" and isinstance(keyword.value, ast.Constant) and isinstance(keyword.value.value, str):
                found.names.add(normalized(keyword.value.value))
            if keyword.arg not in ("install_requires", "extras_require"):
                continue
            try:
                value = ast.literal_eval(keyword.value)
            except (ValueError, SyntaxError, RecursionError, TypeError):
                found.open = True  # read from a file at build time: unknown to us
                continue
            items = [i for v in value.values() for i in (v if isinstance(v, (list, tuple)) else [v])] \
                if isinstance(value, dict) else value if isinstance(value, (list, tuple)) else []
            for item in items:
                if isinstance(item, str):
                    _add_requirement(item, found)


def _pipfile(text: str, found: Dependencies) -> None:
    try:
        data = _toml.loads(text)
    except (_toml.TOMLDecodeError, RecursionError):
        found.open = True
        return
    for table in ("packages", "dev-packages"):
        names = data.get(table)
        if isinstance(names, dict):
            found.names.update(normalized(name) for name in names)


def _packaging_dirs(directory: Path) -> list[str]:
    """Folders named by the packaging files of ``directory`` as where packages live."""
    named: list[str] = []
    text = _text(directory / "pyproject.toml") if (directory / "pyproject.toml").is_file() else None
    if text:
        try:
            data = _toml.loads(text)
        except (_toml.TOMLDecodeError, RecursionError):
            data = {}
        tool = data.get("tool") if isinstance(data.get("tool"), dict) else {}
        setuptools = tool.get("setuptools") if isinstance(tool.get("setuptools"), dict) else {}
        package_dir = setuptools.get("package-dir")
        if isinstance(package_dir, dict):
            named += [v for v in package_dir.values() if isinstance(v, str)]
        find = setuptools.get("packages", {})
        find = find.get("find") if isinstance(find, dict) else None
        if isinstance(find, dict) and isinstance(find.get("where"), list):
            named += [w for w in find["where"] if isinstance(w, str)]
        poetry = tool.get("poetry") if isinstance(tool.get("poetry"), dict) else {}
        for package in poetry.get("packages", []) if isinstance(poetry.get("packages"), list) else []:
            if isinstance(package, dict) and isinstance(package.get("from"), str):
                named.append(package["from"])
    cfg = _text(directory / "setup.cfg") if (directory / "setup.cfg").is_file() else None
    if cfg:
        parser = configparser.ConfigParser(interpolation=None)
        try:
            parser.read_string(cfg)
            value = parser.get("options", "package_dir", fallback="")
        except configparser.Error:
            value = ""
        named += [line.partition("=")[2].strip() for line in value.splitlines() if "=" in line]
    setup_py = _text(directory / "setup.py") if (directory / "setup.py").is_file() else None
    if setup_py and "package_dir" in setup_py:
        named += re.findall(r"package_dir\s*=\s*\{\s*['\"][\w.]*['\"]\s*:\s*['\"]([\w./-]+)['\"]", setup_py)
    return [name.strip("/") or "." for name in named]
