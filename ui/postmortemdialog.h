#pragma once

#include <QDialog>

class QCheckBox;
class QPlainTextEdit;
class QTabWidget;
class QTextBrowser;

namespace sd {

// The postmortem editor: a resizable, word-wrapping Markdown text with a preview of how it reads
// (QTextDocument::setMarkdown) and whether to publish it now.
class PostmortemDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PostmortemDialog)

public:
    PostmortemDialog(const QString &incidentName, const QString &body, QWidget *parent = nullptr);

    QString body() const;
    bool publish() const;
    bool notifySubscribers() const; // with publish(): Statuspage's notify_subscribers
    QPlainTextEdit *editor() const { return m_editor; }
    QTextBrowser *preview() const { return m_preview; }
    QTabWidget *tabs() const { return m_tabs; }

private:
    QTabWidget *m_tabs;
    QPlainTextEdit *m_editor;
    QTextBrowser *m_preview;
    QCheckBox *m_publish;
    QCheckBox *m_notify;
};

} // namespace sd
