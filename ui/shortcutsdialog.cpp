#include "ui/shortcutsdialog.h"

#include <QAction>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QMenu>
#include <QScreen>
#include <QScrollBar>
#include <QTableWidget>
#include <QVBoxLayout>
#include <algorithm>
#include <vector>

namespace sd {

ShortcutsDialog::ShortcutsDialog(QWidget *window, QWidget *parent)
    : QDialog(parent)
    , m_table(buildTable(window, this))
{
    setObjectName(QStringLiteral("shortcutsDialog"));
    setWindowTitle(tr("Keyboard shortcuts"));
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_table);
    layout->addWidget(buttons);
    // Wide enough for every description (they were cut at a fixed 560 px), within the screen.
    const int wanted = m_table->horizontalHeader()->length() +
                       m_table->verticalScrollBar()->sizeHint().width() + layout->contentsMargins().left() +
                       layout->contentsMargins().right() + 8;
    const QScreen *screen = window ? window->screen() : nullptr;
    const int most = screen ? screen->availableGeometry().width() - 40 : 1200;
    resize(std::clamp(wanted, 560, std::max(560, most)), 560);
}

QTableWidget *ShortcutsDialog::buildTable(QWidget *window, QWidget *parent)
{
    auto *table = new QTableWidget(parent);
    struct Row
    {
        QString keys;
        QString what;
    };
    std::vector<Row> rows;
    for (QAction *a : window->findChildren<QAction *>()) {
        if (a->shortcuts().isEmpty() || a->isSeparator())
            continue;
        QStringList keys;
        for (const QKeySequence &k : a->shortcuts())
            keys << k.toString(QKeySequence::NativeText);
        QString what = a->text();
        what.remove(QLatin1Char('&'));
        if (what.endsWith(QChar(0x2026)))
            what.chop(1);
        rows.push_back({keys.join(tr(" or ")), what});
    }
    std::sort(rows.begin(), rows.end(), [](const Row &x, const Row &y) { return x.what < y.what; });
    // Keys that belong to a table or an editor rather than to an action.
    const auto key = [](QKeyCombination k) { return QKeySequence(k).toString(QKeySequence::NativeText); };
    rows.push_back({key(Qt::Key_F2), tr("Components: edit the current row's status")});
    // The Deliveries table's End and Home read the database query's last or first rows, not the loaded ones.
    rows.push_back({key(Qt::Key_End) + tr(" or ") + key(Qt::CTRL | Qt::Key_End),
                    tr("Deliveries: jump to the last rows of the filter (the last one selected)")});
    rows.push_back({key(Qt::Key_Home) + tr(" or ") + key(Qt::CTRL | Qt::Key_Home),
                    tr("Deliveries: back to the first rows")});
    rows.push_back(
        {tr("Up, Down, Home, End, a letter"), tr("Status editor: browse statuses (nothing is sent)")});
    rows.push_back(
        {tr("Enter, or a click in the list"), tr("Status editor: choose the status (asks first)")});
    rows.push_back({tr("Esc"), tr("Close an editor or dialog (a half-written incident asks first)")});
    rows.push_back({tr("Tab, Shift+Tab"), tr("Next or previous field (also out of a message box)")});
    rows.push_back({tr("Ctrl+Tab"), tr("Insert a tab character in a message")});

    table->setObjectName(QStringLiteral("shortcutsTable"));
    table->setColumnCount(2);
    table->setHorizontalHeaderLabels({tr("Keys"), tr("Does")});
    table->setRowCount(static_cast<int>(rows.size()));
    for (int r = 0; r < static_cast<int>(rows.size()); ++r) {
        table->setItem(r, 0, new QTableWidgetItem(rows[static_cast<size_t>(r)].keys));
        auto *what = new QTableWidgetItem(rows[static_cast<size_t>(r)].what);
        what->setToolTip(what->text());
        table->setItem(r, 1, what);
    }
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->verticalHeader()->hide();
    table->resizeColumnsToContents();
    table->horizontalHeader()->setStretchLastSection(true);
    return table;
}

} // namespace sd
