"""diffusers' model classes from an unpacked source snapshot, on a machine without the diffusers package
and without network (the GPU machine: torch, transformers, safetensors, huggingface_hub, numpy, Pillow).

What stands in the way there, read from diffusers' sources (58eb52c0803e):
- importing anything of diffusers imports diffusers.utils.constants, which imports
  dependency_versions_check: at import time it requires python, requests, filelock and numpy by
  their installed metadata (a missing `requests`, which huggingface_hub >= 1 no longer pulls in, is
  an error). Its other pins (huggingface-hub>=1.23, safetensors>=0.8 ...) are setup.py's, not checked
  at import. The models never use what the check guards, so it is replaced by a no-op module.
- the models' loaders (loaders/single_file_utils.py) `import requests` at the top to download
  original configs, which nothing here does: when `requests` is absent it becomes an empty module.
- the lazy top-level `from diffusers import X` wraps every error in a RuntimeError: the submodules are
  imported directly, so the real error shows.
Everything done is reported in the returned notes; anything else (e.g. a name the installed
huggingface_hub lacks) is raised to the caller with the chain of causes.
"""
import os
import sys
import traceback
import types

# Modules diffusers imports at the top of files whose network functions are never called here.
NETWORK_ONLY = ("requests",)


def _causes(error):
    while error is not None:
        yield error
        error = error.__cause__ or error.__context__


def _from_version_check(error):
    for e in _causes(error):
        for frame in traceback.extract_tb(e.__traceback__):
            if frame.filename.endswith("dependency_versions_check.py"):
                return True
    return False


def _missing_network_module(error):
    for e in _causes(error):
        if isinstance(e, ModuleNotFoundError) and (e.name or "").split(".")[0] in NETWORK_ONLY:
            return e.name.split(".")[0]
    return None


def why(error):
    """The error and its causes on one line."""
    return " <- ".join(f"{type(c).__name__}: {c}".replace("\n", " ") for c in _causes(error))


def _forget_diffusers():
    for name in [n for n in sys.modules if n == "diffusers" or n.startswith("diffusers.")]:
        del sys.modules[name]


def _no_version_check():
    module = types.ModuleType("diffusers.dependency_versions_check")
    module.pkgs_to_check_at_runtime = []
    module.dep_version_check = lambda pkg, hint=None: None
    sys.modules[module.__name__] = module


def import_models(src=None, notes=None):
    """(AutoencoderKL, UNet2DConditionModel). `src`: the folder holding diffusers/; what was worked
    around is appended to `notes` (a list), also when the import fails in the end."""
    if src:
        sys.path.insert(0, src)
    # Offline: no hub calls, no telemetry, no advisory warnings at import.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("DIFFUSERS_NO_ADVISORY_WARNINGS", "1")
    notes = [] if notes is None else notes
    stubbed_check = False
    for _ in range(1 + 1 + len(NETWORK_ONLY)):
        try:
            from diffusers.models.autoencoders.autoencoder_kl import AutoencoderKL
            from diffusers.models.unets.unet_2d_condition import UNet2DConditionModel
            import diffusers
            notes.append(f"diffusers {diffusers.__version__} from {os.path.dirname(diffusers.__file__)}")
            return AutoencoderKL, UNet2DConditionModel
        except Exception as error:  # noqa: BLE001 - each kind is looked at, the rest re-raised
            missing = _missing_network_module(error)
            if not stubbed_check and _from_version_check(error):
                notes.append(f"dependency_versions_check skipped ({type(error).__name__}: {error})")
                _forget_diffusers()
                _no_version_check()
                stubbed_check = True
            elif missing and missing not in sys.modules:
                notes.append(f"'{missing}' is not installed: an empty module stands in (only downloads use it)")
                _forget_diffusers()
                if stubbed_check:
                    _no_version_check()
                sys.modules[missing] = types.ModuleType(missing)
            else:
                raise
    raise ImportError("diffusers could not be imported: " + "; ".join(notes))


if __name__ == "__main__":
    done = []
    try:
        import_models(sys.argv[1] if len(sys.argv) > 1 else None, done)
        print("\n".join(done))
    except Exception as e:  # noqa: BLE001
        print("\n".join(done + ["diffusers not importable: " + why(e)]))
        sys.exit(3)
