"""Measures mvn package jcap:build against mvn package and jcap build; see maven.sh."""
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchlib import ROOT, env_for, jcap, private_home, write_section

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 3
LOCAL_REPO = ROOT / "jcap-maven-plugin" / "target" / "local-repo"
USER_REPO = Path.home() / ".m2" / "repository"
STREAMED = re.compile(r"Guest received (\d+) entries, (\d+) bytes")
INCREMENTAL = re.compile(r"incremental: (\d+) changed, (\d+) removed, (\d+) bytes streamed")


def mvn(project, home, settings, *args):
    """Runs mvn in project with the plugin's local repository, the user's as its only remote; seconds and output."""
    cmd = ["mvn", "-B", "-s", str(settings), f"-Dmaven.repo.local={LOCAL_REPO}", *args]
    started = time.monotonic()
    proc = subprocess.run(cmd, cwd=project, env=env_for(home), capture_output=True, text=True)
    took = time.monotonic() - started
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stdout[-4000:]}")
    return took, proc.stdout


def streamed_bytes(output):
    found = STREAMED.findall(output)
    if not found:
        sys.exit("the build streamed nothing (no 'Guest received' line):\n" + output[-3000:])
    return int(found[-1][1])


def incremental_line(output):
    found = INCREMENTAL.search(output)
    if not found:
        sys.exit("the rebuild was not incremental (no 'incremental:' line):\n" + output[-3000:])
    return found.group(0)


def main():
    if not (LOCAL_REPO / "io" / "jcap" / "jcap-maven-plugin").is_dir():
        sys.exit(f"the plugin is not in {LOCAL_REPO}: run its tests first (see bench/maven.sh)")
    with private_home("jcap-bench-maven-") as (work, home):
        project = work / "hello-maven"
        shutil.copytree(ROOT / "examples" / "hello-maven", project)
        settings = work / "settings.xml"
        # Every repository mirrored by the user's local one: no network, and no -o (which would refuse file://).
        settings.write_text("<settings><mirrors><mirror><id>user-local</id><mirrorOf>*</mirrorOf>"
                            f"<url>{USER_REPO.as_uri()}</url></mirror></mirrors></settings>\n")
        source = project / "src" / "main" / "java" / "hello" / "Hello.java"

        floor = statistics.median(mvn(project, home, settings, "clean", "package", "-Djcap.skip=true")[0]
                                  for _ in range(RUNS))
        cold, cold_out = mvn(project, home, settings, "clean", "package")
        cold_bytes = streamed_bytes(cold_out)
        forced = statistics.median(mvn(project, home, settings, "clean", "package", "-Djcap.force=true")[0]
                                   for _ in range(RUNS))
        unchanged = statistics.median(mvn(project, home, settings, "package")[0] for _ in range(RUNS))
        changes, change_bytes, change_lines = [], [], []
        for i in range(RUNS):
            text = source.read_text()
            source.write_text(re.sub(r'" from a Maven-built jcap image[^"]*"', f'" from a Maven-built jcap image, take {i}, "',
                                     text, count=1))
            took, out = mvn(project, home, settings, "package")
            changes.append(took)
            change_bytes.append(streamed_bytes(out))
            change_lines.append(incremental_line(out))
        change = statistics.median(changes)

        # The same jar through a Capstanfile and jcap build (caches warm, as for the forced builds).
        capstan = work / "hello-capstanfile"
        capstan.mkdir()
        shutil.copy(project / "target" / "hello-maven-1.0.jar", capstan / "hello.jar")
        (capstan / "Capstanfile").write_text("files:\n  /app/hello.jar: hello.jar\nruntime:\n  java:\n"
                                             "    jar: /app/hello.jar\n    jvm_args: [-Xmx64m]\n"
                                             "env:\n  GREETING: Hello\nmemory: 256M\n")
        jcap(home, "build", "--accel", "tcg", str(capstan))
        direct = statistics.median(jcap(home, "build", "--accel", "tcg", "--force", str(capstan))[0]
                                   for _ in range(RUNS))

    plugin_own = forced - floor
    rows = [
        ("`mvn clean package` (floor: jcap:build skipped)", floor, "", ""),
        ("`mvn clean package` with jcap:build, cold (jdeps, jlink, builder VM)", cold, f"{cold / floor:.2f}x floor", ""),
        ("`mvn clean package` with jcap:build, forced rebuild (caches warm)", forced, f"{forced / floor:.2f}x floor", ""),
        ("`mvn package`, nothing changed (image reused)", unchanged, f"{unchanged / cold:.2f}x cold", ""),
        ("`mvn package` after a one-line change", change, f"{change / cold:.2f}x cold", "at most 0.5x cold"),
        ("`jcap build --force` of the same jar through a Capstanfile", direct, "", ""),
        ("jcap:build's own time (forced rebuild minus the floor)", plugin_own, f"{plugin_own / direct:.2f}x jcap build",
         "at most 1.2x"),
    ]
    lines = ["## Maven plugin", "",
             "`bash bench/maven.sh [RUNS]` builds `examples/hello-maven` with `mvn` (no network, the plugin from",
             "`jcap-maven-plugin/target/local-repo`) in a private jcap home: `mvn clean package` with jcap:build",
             "skipped (the floor), cold (first build: jdeps, jlink, the builder VM), forced (`-Djcap.force=true`,",
             "caches warm), unchanged, and after a one-line change of the main class; then `jcap build` of the",
             "same jar through a Capstanfile. Medians of RUNS runs (the cold build once), TCG.", "",
             f"Measured {time.strftime('%Y-%m-%d')}, `bash bench/maven.sh {RUNS}`, load average "
             f"{os.getloadavg()[0]:.1f} at the end:", "",
             "| measurement | seconds | ratio | target |", "| --- | --- | --- | --- |"]
    lines += [f"| {name} | {secs:.2f} s | {ratio} | {target} |" for name, secs, ratio, target in rows]
    ratio = statistics.median(change_bytes) / cold_bytes
    lines += ["",
              f"Bytes streamed into the builder VM: {cold_bytes} for the cold build, "
              f"{statistics.median(change_bytes):.0f} after the one-line change "
              f"({ratio:.5f}x; the issue's target is under 0.1x; the build said `{change_lines[-1]}`).",
              "The rebuild is incremental: the builder guest mounts the previous build's disk and takes the",
              "changed class file and its folder; what it still pays is `mvn package` itself, the composition",
              "(every file read for the stream digest), a builder-VM boot and the commit of the written clusters.",
              ""]
    print(f"rebuild after a one-line change: {change / cold:.2f}x the cold build, {statistics.median(change_bytes):.0f}"
          f" of {cold_bytes} bytes streamed ({ratio:.5f}x)")
    section = "\n".join(lines)
    print(section)
    write_section(ROOT / "docs" / "benchmarks.md", "Maven plugin", section)


if __name__ == "__main__":
    main()
