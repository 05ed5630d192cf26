"""Help → Glossary: every term the app's labels rely on, in plain words, with a filter."""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLineEdit, QTextBrowser, QVBoxLayout, QWidget

from vaegui.words import Concept, glossary


class GlossaryDialog(QDialog):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Glossary — the words vaegui uses")
        self.resize(620, 640)
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("Find a word, e.g. KL or spread")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self.render)
        self.text = QTextBrowser()
        self.text.setOpenExternalLinks(False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)
        self.render()

    def entries(self) -> list[Concept]:
        """The entries shown: all of them, or those mentioning the filter's text."""
        wanted = self.filter_edit.text().strip().lower()
        return [c for c in glossary()
                if not wanted or wanted in f"{c.name} {c.explanation} {' '.join(c.aliases)}".lower()]

    def render(self) -> None:
        entries = self.entries()
        self.text.setHtml("".join(f"<p><b>{escape(c.name)}</b><br>{escape(c.explanation)}</p>" for c in entries)
                          or "<p>No entry mentions that word.</p>")
