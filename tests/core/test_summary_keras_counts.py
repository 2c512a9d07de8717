"""Students compare the summary with the lecture's Keras one: where Keras counts differently (LSTM, SimpleRNN
keep one bias vector per gate there, two in PyTorch) the rows, totals, CLI and JSON say so."""

from __future__ import annotations

import json
from pathlib import Path

from nnbuilder import summarize
from nnbuilder.cli import main
from nnbuilder.project import load_project

EXAMPLES = Path(__file__).resolve().parents[2] / "resources" / "examples"


def test_lstm_rows_carry_the_keras_count() -> None:
    s = summarize(load_project(EXAMPLES / "household_power_lstm.nnb"))
    lstm = [r for r in s.rows if r.type == "LSTM"]
    assert [r.params for r in lstm] == [3_696, 1_320]
    assert [r.keras_params for r in lstm] == [3_612, 1_280]  # 4·21·(21+21) + 4·21, as Keras prints
    assert lstm[0].note == "Keras: 3,612 — PyTorch keeps two bias vectors"
    assert s.total_params == 5_168 and s.keras_total_params == 5_044
    text = s.format()
    assert "(Keras: 3,612 — PyTorch keeps two bias vectors)" in text and "Keras would count 5,044" in text
    assert all(r.keras_params is None for r in s.rows if r.type != "LSTM")


def test_simple_rnn_and_gru() -> None:
    rnn = summarize(load_project(EXAMPLES / "household_power_rnn.nnb"))
    assert rnn.total_params == 944 and rnn.keras_total_params == 913
    gru = summarize(load_project(EXAMPLES / "household_power_gru.nnb"))  # Keras' reset_after GRU agrees
    assert gru.keras_total_params is None and "Keras would count" not in gru.format()
    mlp = summarize(load_project(EXAMPLES / "fashion_mnist_mlp.nnb"))
    assert mlp.keras_total_params is None


def test_cli_summary_says_it_in_text_and_json(capsys) -> None:  # type: ignore[no-untyped-def]
    path = str(EXAMPLES / "household_power_rnn.nnb")
    main(["summary", path])
    assert "Keras would count 913 params" in capsys.readouterr().out
    main(["summary", path, "--json"])
    data = json.loads(capsys.readouterr().out)
    assert data["keras_total_params"] == 913 and data["layers"][0]["keras_params"] == 483
