"""Inside the app's process: where each visible widget of each window lies, and which texts do not fit their widget
(a label, button, choice box, spin box, tab or bar whose text is cut or elided), for the real-screen tests."""

from __future__ import annotations

import sys

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractScrollArea,
    QAbstractSpinBox,
    QApplication,
    QCheckBox,
    QComboBox,
    QGraphicsView,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QStyle,
    QStyleOptionComboBox,
    QTabBar,
    QToolButton,
    QWidget,
)

SLACK = 1  # pixels of rounding


def windows() -> list[QWidget]:
    """The app's top-level windows on screen (not its tooltips or popup menus)."""
    return [w for w in QApplication.topLevelWidgets()
            if w.isVisible() and w.windowType() not in (Qt.WindowType.Popup, Qt.WindowType.ToolTip)]


def describe(widget: QWidget) -> str:
    text = _text(widget)
    name = widget.objectName()
    return f"{type(widget).__name__}{'#' + name if name else ''}{f' {text[:60]!r}' if text else ''}"


def window_report(window: QWidget) -> dict:
    """The window's X id and Qt's idea of it, and each visible widget: its rect in the window (x, y, w, h), the part
    of it its parents show, and what is wrong with its text."""
    widgets = []
    for widget in window.findChildren(QWidget):
        if not widget.isVisible() or widget.window() is not window or widget.width() <= 0 or widget.height() <= 0:
            continue  # hidden, or in a window of its own (a dialog: reported as that window)
        rect = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
        shown, scrolled = _shown_part(widget, window, rect)
        problems = text_problems(widget)
        if shown.isEmpty():
            continue  # scrolled out of sight entirely, or in a collapsed splitter pane: not on screen
        if shown != rect and not scrolled and _reportable(widget):
            problems.append(f"cut by its parent: {shown.width()}×{shown.height()} of {rect.width()}×{rect.height()} "
                            "shown")
        if isinstance(widget, QScrollArea) and widget.verticalScrollBar().isVisible() and \
                not widget.property("scrollsOnSmallScreens"):
            problems.append("its content needs scrolling: part of it is out of sight")
        # Where it shows: a scroll area's content reaches past its view by design (scrolled, not off the screen).
        widgets.append({"name": describe(widget), "rect": [shown.x(), shown.y(), shown.width(), shown.height()],
                        "problems": problems})
    hint, minimum = window.minimumSizeHint(), window.minimumSize()
    return {"id": int(window.winId()), "title": window.windowTitle(), "class": type(window).__name__,
            "qt_size": [window.width(), window.height()], "qt_minimum": [minimum.width(), minimum.height()],
            "qt_minimum_hint": [hint.width(), hint.height()], "widgets": widgets}


def _reportable(widget: QWidget) -> bool:
    return isinstance(widget, (QLabel, QPushButton, QToolButton, QCheckBox, QRadioButton, QComboBox,
                               QAbstractSpinBox, QProgressBar))


def _shown_part(widget: QWidget, window: QWidget, rect: QRect) -> tuple[QRect, bool]:
    """The part of `rect` (the widget's, in window coordinates) that its ancestors show, and whether a scroll
    area's viewport is what clips it (scrolled, not cut)."""
    shown, scrolled, parent = QRect(rect), False, widget.parentWidget()
    while parent is not None and parent is not window:
        bounds = QRect(parent.mapTo(window, QPoint(0, 0)), parent.size())
        clipped = shown.intersected(bounds)
        if clipped != shown and isinstance(parent.parentWidget(), QAbstractScrollArea):
            scrolled = True
        shown = clipped
        parent = parent.parentWidget()
    return shown.intersected(window.rect()), scrolled


def _text(widget: QWidget) -> str:
    for kind in (QLabel, QPushButton, QToolButton, QCheckBox, QRadioButton):
        if isinstance(widget, kind):
            return widget.text()
    if isinstance(widget, QComboBox):
        return widget.currentText()
    if isinstance(widget, QAbstractSpinBox):
        return widget.text()
    return ""


def _mnemonic_free(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def text_problems(widget: QWidget) -> list[str]:
    """What is cut or elided in the widget's text at its present size (empty when it all shows)."""
    try:
        return [problem for problem in _problems(widget) if problem]
    except RuntimeError:  # deleted while looked at
        return []


def _legend_problems(view) -> list[str]:
    """A plot's keys and legends (pyqtgraph items, not widgets) cut by the plot's edges."""
    import pyqtgraph as pg

    shown = view.mapToScene(view.viewport().rect()).boundingRect()
    problems = []
    legends = [item for item in view.scene().items()
               if isinstance(item, pg.LegendItem) and item.isVisible() and item.items]
    for item in legends:
        box = _ink(item)
        if not shown.adjusted(-SLACK, -SLACK, SLACK, SLACK).contains(box):
            problems.append(f"legend ({_legend_names(item)}) cut by the plot: {box.width():.0f}×{box.height():.0f} at "
                            f"({box.x():.0f}, {box.y():.0f}) in a view of {shown.width():.0f}×{shown.height():.0f}")
    # Two keys drawn over each other (a map's class legend and its key of marks) hide each other's words.
    for index, first in enumerate(legends):
        for second in legends[index + 1:]:
            overlap = _ink(first).intersected(_ink(second))
            if overlap.width() > SLACK and overlap.height() > SLACK:
                problems.append(f"legends overlap: ({_legend_names(first)}) and ({_legend_names(second)}) share "
                                f"{overlap.width():.0f}×{overlap.height():.0f} px")
    # A legend drawn over its plot's title (presenter mode's bigger entries ran past the line kept for them).
    titles = [item for item in view.scene().items()
              if isinstance(item, pg.LabelItem) and item.isVisible() and item.text
              and not any(legend.isAncestorOf(item) for legend in legends)]
    for legend in legends:
        for title in titles:
            overlap = _ink(legend).intersected(title.item.sceneBoundingRect())
            if overlap.width() > SLACK and overlap.height() > SLACK:
                problems.append(f"legend ({_legend_names(legend)}) drawn over the title {title.text[:40]!r}: "
                                f"{overlap.width():.0f}×{overlap.height():.0f} px")
    return problems


def _ink(legend):
    """Where a legend draws: its box and each entry's words, which run past the box when it is held too small."""
    box = legend.sceneBoundingRect()
    for _, label in legend.items:
        box = box.united(label.item.sceneBoundingRect())
    return box


def _legend_names(legend) -> str:
    return ", ".join(label.text for _, label in legend.items[:3]) + "…"


def _problems(widget: QWidget):
    metrics, style = widget.fontMetrics(), widget.style()
    if isinstance(widget, QGraphicsView) and "pyqtgraph" in sys.modules:  # the plots' keys and legends
        yield from _legend_problems(widget)
    if isinstance(widget, QLabel):
        text = widget.text()
        if not text or widget.pixmap() is not None and not widget.pixmap().isNull():
            return
        if widget.property("elidedWithTooltip"):  # elides by design, the whole text in its tooltip
            elided = metrics.horizontalAdvance(text) > widget.contentsRect().width()
            if elided and widget.toolTip() != text:
                yield f"elided without its whole text in the tooltip: {text[:60]!r}"
            return
        if widget.wordWrap():
            needed = widget.heightForWidth(widget.width())
            if needed > widget.height() + SLACK:
                yield f"wrapped text cut: needs {needed} px of height, has {widget.height()}"
        else:
            hint = widget.sizeHint()
            if hint.width() > widget.width() + SLACK:
                yield f"text cut: needs {hint.width()} px of width, has {widget.width()}"
            if widget.minimumSizeHint().height() > widget.height() + SLACK:
                yield f"text cut: needs {widget.minimumSizeHint().height()} px of height, has {widget.height()}"
    elif isinstance(widget, QPushButton):
        text = _mnemonic_free(widget.text())
        if text:
            margin = style.pixelMetric(QStyle.PixelMetric.PM_ButtonMargin, None, widget)
            frame = style.pixelMetric(QStyle.PixelMetric.PM_DefaultFrameWidth, None, widget)
            icon = widget.iconSize().width() + 4 if not widget.icon().isNull() else 0
            menu = style.pixelMetric(QStyle.PixelMetric.PM_MenuButtonIndicator, None, widget) if widget.menu() else 0
            lines = text.split("\n")
            needed = max(metrics.horizontalAdvance(line) for line in lines) + icon + menu + margin + 2 * frame
            if needed > widget.width() + SLACK:
                yield f"button text cut: needs {needed} px, has {widget.width()}"
            tall = metrics.height() + (len(lines) - 1) * metrics.lineSpacing()
            if tall > widget.height():
                yield f"button text cut: needs {tall} px of height, has {widget.height()}"
    elif isinstance(widget, QToolButton):
        text = _mnemonic_free(widget.text())
        if text and widget.toolButtonStyle() != Qt.ToolButtonStyle.ToolButtonIconOnly:
            menu = (style.pixelMetric(QStyle.PixelMetric.PM_MenuButtonIndicator, None, widget)
                    if widget.popupMode() != QToolButton.ToolButtonPopupMode.DelayedPopup and widget.menu() else 0)
            needed = metrics.horizontalAdvance(text) + menu + 4
            if needed > widget.width() + SLACK:
                yield f"button text cut: needs {needed} px, has {widget.width()}"
    elif isinstance(widget, (QCheckBox, QRadioButton)):
        if widget.text() and widget.sizeHint().width() > widget.width() + SLACK:
            yield f"text cut: needs {widget.sizeHint().width()} px, has {widget.width()}"
    elif isinstance(widget, QComboBox):
        option = QStyleOptionComboBox()
        widget.initStyleOption(option)
        field = style.subControlRect(QStyle.ComplexControl.CC_ComboBox, option,
                                     QStyle.SubControl.SC_ComboBoxEditField, widget)
        needed = metrics.horizontalAdvance(widget.currentText())
        if needed > field.width() + SLACK:
            yield f"choice cut: {widget.currentText()!r} needs {needed} px, the box shows {field.width()}"
    elif isinstance(widget, QAbstractSpinBox):
        edit = widget.findChild(QWidget, "qt_spinbox_lineedit")
        if edit is not None and metrics.horizontalAdvance(widget.text()) + 4 > edit.width() + SLACK:
            yield f"number cut: {widget.text()!r} needs {metrics.horizontalAdvance(widget.text()) + 4} px, " \
                  f"shows {edit.width()}"
    elif isinstance(widget, QProgressBar):
        if widget.isTextVisible() and widget.text():
            needed = metrics.horizontalAdvance(widget.text()) + 8
            if needed > widget.width() + SLACK:
                yield f"bar text cut: {widget.text()!r} needs {needed} px, has {widget.width()}"
    elif isinstance(widget, QHeaderView):
        for index in range(widget.count()):
            needed = widget.sectionSizeHint(index)
            if widget.orientation() == Qt.Orientation.Horizontal and not widget.isSectionHidden(index) \
                    and widget.sectionSize(index) + SLACK < needed:
                yield f"column {index} heading cut: {widget.sectionSize(index)} px of {needed}"
    elif isinstance(widget, QAbstractItemView):
        if widget.property("showsEveryRow") and widget.verticalScrollBar().maximum() > 0:
            yield f"some of its rows are out of sight: {widget.verticalScrollBar().maximum()} px to scroll"
        if widget.horizontalScrollBar().isVisible() and widget.horizontalScrollBar().maximum() > 0:
            yield f"its rows are wider than the view: {widget.horizontalScrollBar().maximum()} px scroll sideways"
    elif isinstance(widget, QTabBar):
        for index in range(widget.count()):
            if widget.tabRect(index).width() + SLACK < widget.tabSizeHint(index).width():
                yield f"tab {widget.tabText(index)!r} elided: {widget.tabRect(index).width()} px of " \
                      f"{widget.tabSizeHint(index).width()}"

