#!/usr/bin/python3
"""Speed side by side (scripts/bench-speed.sh runs this): training and prediction throughput,
start-up, streaming latency and memory of senti against the Python PyTorch reference of its plain
model (bench/reference.py) and fastText, in one run on one machine. Prints a table and writes JSON.
"""
import argparse
import csv
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time


def run(command, **kwargs):
    """Runs `command`; returns (wall seconds, peak RSS in MB of this child)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    process = subprocess.Popen(command, **kwargs)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"speed.py: {' '.join(map(str, command))} failed")
    return seconds, usage.ru_maxrss / 1024.0


def read_texts(path, column):
    with open(path, newline="", encoding="utf-8") as f:
        return [row[column] for row in csv.DictReader(f)]


def startup(commands, repeats):
    """Wall times of each (command, stdin text), run in interleaved rounds: on a shared machine
    the background load drifts. Timing each command's runs back to back put the default model
    0.28 s over the floor on a machine where interleaved rounds put it 0.11 s over. Returns each
    command's list of times, round by round."""
    times = {name: [] for name in commands}
    for _ in range(repeats):
        for name, (command, stdin_text) in commands.items():
            start = time.perf_counter()
            subprocess.run(command, input=stdin_text, text=True, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, check=True)
            times[name].append(time.perf_counter() - start)
    return times


def over_floor(times, floor):
    """The median of a command's time minus the floor's in the same round: a slow period of the
    machine slows both, where the difference of the two medians could take them from different
    periods."""
    return statistics.median(t - f for t, f in zip(times, floor))


def latency(command, sentences, warmup=50):
    """Per-sentence round trips through a long-lived process fed one line at a time."""
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True, bufsize=1)
    times = []
    for i, sentence in enumerate(sentences):
        start = time.perf_counter()
        process.stdin.write(sentence + "\n")
        process.stdin.flush()
        if not process.stdout.readline():
            sys.exit("speed.py: the streaming process ended early")
        if i >= warmup:
            times.append(time.perf_counter() - start)
    process.stdin.close()
    process.wait()
    times.sort()
    return {"p50_ms": 1000 * times[len(times) // 2], "p99_ms": 1000 * times[int(len(times) * 0.99)],
            "sentences": len(times)}


def run_reference(command):
    """Runs bench/reference.py; returns the JSON it prints last."""
    output = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(output.stdout.strip().splitlines()[-1])


def directory_mb(path):
    return sum(os.path.getsize(os.path.join(path, f)) for f in os.listdir(path)
               if os.path.isfile(os.path.join(path, f))) / 1e6


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bin", required=True, help="directory with senti-train etc.")
    parser.add_argument("--data", required=True, help="directory holding sst2/{train,dev}.csv")
    parser.add_argument("--epochs", type=int, default=3, help="training epochs timed per system")
    parser.add_argument("--predict-lines", type=int, default=300000)
    parser.add_argument("--predict-rounds", type=int, default=5,
                        help="interleaved prediction runs per system; the median counts")
    parser.add_argument("--accuracy-seeds", type=int, default=3,
                        help="seeds whose dev accuracy is averaged for senti plain and the Python "
                             "references (the timings are the first seed's)")
    parser.add_argument("--out", default="bench-speed.json")
    args = parser.parse_args()
    here = os.path.dirname(os.path.abspath(__file__))
    train_csv, dev_csv = f"{args.data}/sst2/train.csv", f"{args.data}/sst2/dev.csv"
    work = tempfile.mkdtemp(prefix="senti-speed-")
    results = {"machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                           "processor": platform.processor()},
               "epochs": args.epochs}
    log = lambda message: print(f"bench-speed: {message}", file=sys.stderr, flush=True)

    # The OpenBLAS kernels senti multiplies with, and their single-thread speed on the GRU's shapes
    # (bench/blas_kernels.cpp): an OPENBLAS_CORETYPE inherited from the environment overrides
    # OpenBLAS's own choice for senti and the Python reference alike (on a Zen 5 machine whose
    # environment set Haswell, training and prediction ran about 20% slower than with the
    # Cooperlake kernels OpenBLAS picks there itself).
    blas = subprocess.run([f"{args.bin}/senti-bench-blas"], capture_output=True, text=True,
                          check=True).stdout.strip()
    results["machine"]["blas"] = blas
    results["machine"]["OPENBLAS_CORETYPE"] = os.environ.get("OPENBLAS_CORETYPE")
    log(f"BLAS: {blas}")
    if os.environ.get("OPENBLAS_CORETYPE"):
        log(f"OPENBLAS_CORETYPE={os.environ['OPENBLAS_CORETYPE']} from the environment chooses the "
            "kernels; unset it to measure OpenBLAS's own choice")

    # --- training ---
    def senti_train(model, seed):
        return [f"{args.bin}/senti-train", "--data", train_csv, "--valid", dev_csv, "--out", model,
                "--epochs", str(args.epochs), "--patience", "0", "--seed", str(seed), "--quiet"]

    systems = {}
    for name, extra in [("senti default (gru)", []),
                        ("senti plain", ["--encoder", "none", "--subword-alpha", "0", "--linear", "none"])]:
        model = f"{work}/{'plain' if 'plain' in name else 'default'}"
        log(f"training {name}")
        seconds, rss = run(senti_train(model, 1) + extra, stderr=subprocess.DEVNULL)
        config = json.load(open(f"{model}/config.json"))
        history = config["history"]
        systems[name] = {
            "model": model,
            "train_wall_seconds": seconds,
            "seconds_per_epoch": statistics.mean(e["seconds"] for e in history),
            "tokens_per_second": statistics.mean(e["tokens_per_second"] for e in history),
            "dev_accuracies": [history[-1]["valid_accuracy"]],
            "train_peak_rss_mb": rss,
            "model_mb": directory_mb(model),
        }
    log("training the Python reference (plain model)")
    lines = read_texts(train_csv, "sentence")
    big = f"{work}/predict.txt"
    with open(big, "w", encoding="utf-8") as f:
        for i in range(args.predict_lines):
            f.write(lines[i % len(lines)].replace("\n", " ") + "\n")
    # The plain model's dimensions, whatever senti's defaults are.
    shape = json.load(open(f"{work}/plain/config.json"))["model"]
    # The reference as a Python user writes it (dense AdamW), and with senti's own update (lazy
    # AdamW on a sparse embedding gradient) to check that the two models agree in accuracy.
    for name, optimizer in [("python reference (plain)", "adamw"),
                            ("python reference (plain, lazy adamw)", "lazy")]:
        command = ["/usr/bin/python3", f"{here}/reference.py", "--train", train_csv, "--eval",
                   dev_csv, "--tokenizer", f"{work}/plain/tokenizer.model", "--epochs",
                   str(args.epochs), "--optimizer", optimizer,
                   "--dim", str(shape["embedding_dim"]),
                   "--attention-dim", str(shape["attention_dim"])]
        reference = run_reference(command + ["--seed", "1"] +
                                  (["--predict", big] if optimizer == "adamw" else []))
        systems[name] = {
            "seconds_per_epoch": statistics.mean(e["seconds"] for e in reference["epochs"]),
            "tokens_per_second": statistics.mean(e["tokens_per_second"] for e in reference["epochs"]),
            "dev_accuracies": [reference["eval_accuracy"]],
        }
        if "predict" in reference:
            systems[name]["predict_sentences_per_second"] = reference["predict"]["sentences_per_second"]
        for seed in range(2, args.accuracy_seeds + 1):
            log(f"{name}, seed {seed} (accuracy only)")
            systems[name]["dev_accuracies"].append(
                run_reference(command + ["--seed", str(seed)])["eval_accuracy"])
    # At 3 epochs one run's dev accuracy moves by about a point with the seed; the agreement of
    # senti's plain model with the references is judged on the mean over seeds.
    for seed in range(2, args.accuracy_seeds + 1):
        log(f"senti plain, seed {seed} (accuracy only)")
        model = f"{work}/plain-seed{seed}"
        run(senti_train(model, seed) + ["--encoder", "none", "--subword-alpha", "0", "--linear", "none"],
            stderr=subprocess.DEVNULL)
        history = json.load(open(f"{model}/config.json"))["history"]
        systems["senti plain"]["dev_accuracies"].append(history[-1]["valid_accuracy"])
    for system in systems.values():
        accuracies = system.get("dev_accuracies")
        if accuracies:
            system["dev_accuracy"] = statistics.mean(accuracies)
            system["dev_accuracy_sd"] = statistics.stdev(accuracies) if len(accuracies) > 1 else 0.0

    log("training fastText")
    ft_train = f"{work}/ft-train.txt"
    with open(train_csv, newline="", encoding="utf-8") as f, open(ft_train, "w") as out:
        rows = list(csv.DictReader(f))
        for row in rows:
            out.write(f"__label__{row['label']} {row['sentence']}\n")
    words = sum(len(row["sentence"].split()) for row in rows)
    epochs = 5  # fastText's default
    seconds, rss = run(["fasttext", "supervised", "-input", ft_train, "-output", f"{work}/ft",
                        "-thread", str(os.cpu_count()), "-epoch", str(epochs), "-verbose", "0"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    systems["fastText"] = {"seconds_per_epoch": seconds / epochs,
                           "tokens_per_second": words * epochs / seconds,
                           "train_peak_rss_mb": rss,
                           "model_mb": os.path.getsize(f"{work}/ft.bin") / 1e6}

    # --- start-up ---
    log("start-up")
    senti_models = ("senti default (gru)", "senti plain")
    commands = {"floor": ([f"{args.bin}/senti-bench-floor"], "")}
    for name in senti_models:
        commands[name] = ([f"{args.bin}/senti-predict", "--model", systems[name]["model"]],
                          "fine film\n")
    commands["fastText"] = (["fasttext", "predict", f"{work}/ft.bin", "-"], "fine film\n")
    times = startup(commands, 21)
    medians = {name: statistics.median(values) for name, values in times.items()}
    floor = medians["floor"]
    results["startup"] = {"torch_floor_seconds": floor, "rounds": len(times["floor"])}
    for name in senti_models:
        systems[name]["startup_seconds"] = medians[name]
        systems[name]["startup_over_floor_seconds"] = over_floor(times[name], times["floor"])
    systems["fastText"]["startup_seconds"] = medians["fastText"]

    # --- prediction throughput (start-up subtracted) ---
    # Interleaved rounds, as for start-up: on a shared machine one run of the same binary took
    # anywhere from 3.9 to 5.3 s on the 300k lines.
    log(f"prediction on {args.predict_lines} lines, {args.predict_rounds} rounds")
    predictors = {name: [f"{args.bin}/senti-predict", "--model", systems[name]["model"],
                         "--input", big] for name in senti_models}
    predictors["fastText"] = ["fasttext", "predict", f"{work}/ft.bin", big]
    runs = {name: [] for name in predictors}
    for _ in range(args.predict_rounds):
        for name, command in predictors.items():
            runs[name].append(run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    for name, measured in runs.items():
        seconds = [wall for wall, _ in measured]
        systems[name]["predict_seconds"] = seconds
        systems[name]["predict_sentences_per_second"] = args.predict_lines / max(
            1e-9, statistics.median(seconds) - systems[name]["startup_seconds"])
        systems[name]["predict_peak_rss_mb"] = max(rss for _, rss in measured)

    # --- streaming latency ---
    log("streaming latency")
    sample = [lines[i % len(lines)] for i in range(2050)]
    for name in ("senti default (gru)", "senti plain"):
        systems[name]["latency"] = latency(
            [f"{args.bin}/senti-predict", "--model", systems[name]["model"]], sample)
    systems["fastText"]["latency"] = latency(["fasttext", "predict", f"{work}/ft.bin", "-"], sample)

    results["systems"] = systems
    for system in systems.values():
        system.pop("model", None)
    with open(args.out, "w") as f:
        json.dump(results, f, indent=2)

    def cell(value, fmt):
        return "-" if value is None else format(value, fmt)

    def accuracy_cell(system):
        if "dev_accuracy" not in system:
            return "-"
        count = len(system["dev_accuracies"])
        if count == 1:
            return f"{system['dev_accuracy']:.4f}"
        return f"{system['dev_accuracy']:.4f} ± {system['dev_accuracy_sd']:.4f} ({count} seeds)"

    header = ("system", "s/epoch", "tok/s", "dev acc", "train RSS MB", "startup s",
              "predict sent/s", "predict RSS MB", "p50 ms", "p99 ms", "model MB")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for name, s in systems.items():
        lat = s.get("latency", {})
        print("| " + " | ".join([
            name, cell(s.get("seconds_per_epoch"), ".1f"), cell(s.get("tokens_per_second"), ",.0f"),
            accuracy_cell(s), cell(s.get("train_peak_rss_mb"), ".0f"),
            cell(s.get("startup_seconds"), ".3f"),
            cell(s.get("predict_sentences_per_second"), ",.0f"),
            cell(s.get("predict_peak_rss_mb"), ".0f"), cell(lat.get("p50_ms"), ".2f"),
            cell(lat.get("p99_ms"), ".2f"), cell(s.get("model_mb"), ".1f")]) + " |")
    print(f"\nbare LibTorch start-up floor (senti-bench-floor): {floor:.3f} s; "
          f"{args.epochs} training epochs timed per senti/reference system; "
          f"prediction on {args.predict_lines} lines (SST-2 train repeated): the median of "
          f"{args.predict_rounds} interleaved runs, start-up subtracted")
    plain = systems["senti plain"]
    for name in ("python reference (plain)", "python reference (plain, lazy adamw)"):
        ref = systems[name]
        print(f"senti plain / {name} training tokens/s: "
              f"{plain['tokens_per_second'] / ref['tokens_per_second']:.1f}x; "
              f"dev accuracy {plain['dev_accuracy']:.4f} vs {ref['dev_accuracy']:.4f}")
    fasttext_rate = systems["fastText"]["predict_sentences_per_second"]
    for name in senti_models:
        print(f"{name} / fastText prediction sentences/s: "
              f"{systems[name]['predict_sentences_per_second'] / fasttext_rate:.2f}x")
    for name in senti_models:
        print(f"{name} start-up over the floor: "
              f"{systems[name]['startup_over_floor_seconds']:+.3f} s (median of "
              f"{results['startup']['rounds']} rounds' differences)")
    coretype = results["machine"]["OPENBLAS_CORETYPE"]
    print(f"BLAS (senti-bench-blas, one thread): {results['machine']['blas']}"
          + (f" (OPENBLAS_CORETYPE={coretype} from the environment)" if coretype else ""))
    print(f"results written to {args.out}")


main()
