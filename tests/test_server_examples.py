"""Every request of ../shared/reference/service-examples.md, run as written
(curl, placeholders filled in) against a real server, and each must succeed.
The custom models they name are made first through the SDK."""
from __future__ import annotations

import csv
import re
import shlex
import subprocess
import time

import httpx
import pytest
import soundfile as sf

pytest.importorskip("starlette")

from ibm_cloud_sdk_core.authenticators import BasicAuthenticator  # noqa: E402
from ibm_watson import SpeechToTextV1  # noqa: E402

from conftest import DATA, DEV, SHARED  # noqa: E402
from server_process import ServerProcess  # noqa: E402

KEY = "examples-key-0123456789"
EXAMPLES = (SHARED / "reference" / "service-examples.md").read_text(encoding="utf-8")
KATHLEEN = DATA / "adapt" / "kathleen"


def ibm_commands() -> list[str]:
    section = EXAMPLES.split("## Azure")[0]
    return [line.strip() for line in section.splitlines() if line.strip().startswith("curl ")]


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    root = tmp_path_factory.mktemp("examples")
    server = ServerProcess(root / "store", keys=f"{KEY}=docs", args=("--min-acoustic-minutes", "0.1"))
    audio_dir = root / "audio"
    audio_dir.mkdir()
    for name, src in (("audio-file1.flac", "arctic_aew_a0003.wav"), ("audio-file.flac", "arctic_aew_a0003.wav")):
        data, rate = sf.read(DEV / src, dtype="int16")
        sf.write(audio_dir / name, data, rate, format="FLAC")
    stt = SpeechToTextV1(authenticator=BasicAuthenticator("apikey", KEY))
    stt.set_service_url(server.url)
    lm = stt.create_language_model("docs lm", "en-US_BroadbandModel").get_result()["customization_id"]
    stt.add_corpus(lm, "prompts", (DATA / "corpora" / "arctic" / "prompts.txt").read_bytes())
    wait(stt.get_language_model, lm, {"ready"})  # one analysis at a time, as the service requires
    stt.add_grammar(lm, "list-abnf", "#ABNF 1.0;\nlanguage en-US;\nroot $c;\n$c = yes | no | for the twentieth time "
                    "that evening the two men shook hands;\n", "application/srgs")
    am = stt.create_acoustic_model("docs am", "en-US_BroadbandModel").get_result()["customization_id"]
    rows = list(csv.DictReader(open(KATHLEEN / "refs.tsv", encoding="utf-8"), delimiter="\t"))[:6]
    for row in rows:
        stt.add_audio(am, row["id"], (KATHLEEN / f"{row['id']}.wav").read_bytes(), content_type="audio/wav")
        # One analysis at a time (another add_audio meanwhile is 409): the
        # model is 'pending' while it runs, so wait on the resource itself.
        wait(lambda cid, name=row["id"]: stt.get_audio(cid, name), am, {"ok", "invalid"})
    wait(stt.get_language_model, lm, {"ready"})
    stt.train_language_model(lm)
    wait(stt.get_language_model, lm, {"available"})
    wait(stt.get_acoustic_model, am, {"ready"})
    stt.train_acoustic_model(am)
    wait(stt.get_acoustic_model, am, {"available"}, timeout=600)
    token = httpx.post(server.url + "/identity/token", data={"grant_type": "urn:ibm:params:oauth:grant-type:apikey",
                                                              "apikey": KEY}).json()["access_token"]
    yield dict(server=server, stt=stt, lm=lm, am=am, token=token, audio=audio_dir)
    server.stop()


def wait(get, cid, wanted, timeout=300.0):
    deadline = time.monotonic() + timeout
    while (status := get(cid).get_result()["status"]) not in wanted:
        assert status != "failed" and time.monotonic() < deadline, get(cid).get_result()
        time.sleep(0.5)


def fill(command: str, env) -> str:
    """The documented command with its placeholders filled in: each
    ``{customization_id}`` becomes the model its parameter or path names."""
    cmd = re.sub(r"(acoustic_customization_id=|/acoustic_customizations/)\{customization_id\}",
                 lambda m: m.group(1) + env["am"], command)
    cmd = re.sub(r"(language_customization_id=|custom_language_model_id=)\{customization_id\}",
                 lambda m: m.group(1) + env["lm"], cmd)
    assert "{customization_id}" not in cmd, cmd
    return (cmd.replace("{url}", env["server"].url).replace("{token}", env["token"])
            .replace("{apikey}", KEY).replace("{path}", str(env["audio"]) + "/"))


def run_curl(command: str, env) -> tuple[int, str]:
    argv = shlex.split(command) + ["--silent", "--show-error", "--write-out", "\n%{http_code}",
                                   "--max-time", "300"]
    out = subprocess.run(argv, cwd=env["audio"], capture_output=True, text=True, timeout=320)
    assert out.returncode == 0, out.stderr
    body, _, code = out.stdout.rpartition("\n")
    return int(code), body


COMMANDS = ibm_commands()
# Recognitions first; then lightly supervised retraining; then the
# management calls, whose reset and delete end the model.
def _stage(command: str) -> int:
    return 1 if "/train" in command else 2 if "/reset" in command else 3 if "-X DELETE" in command else 0


ORDER = sorted(range(len(COMMANDS)), key=lambda i: (_stage(COMMANDS[i]), i))


def test_the_documents_list_the_commands_we_run():
    assert len(COMMANDS) == 13


@pytest.mark.parametrize("index", ORDER)
def test_documented_ibm_request_succeeds(env, index):
    command = COMMANDS[index]
    if "/reset" in command or "-X DELETE" in command:
        wait(env["stt"].get_acoustic_model, env["am"], {"available", "ready", "pending"}, timeout=600)
    code, body = run_curl(fill(command, env), env)
    assert 200 <= code < 300, (command, code, body[:500])
    if "/v1/recognize" in command:
        assert '"transcript"' in body
    if "/train" in command:
        wait(env["stt"].get_acoustic_model, env["am"], {"available"}, timeout=600)
