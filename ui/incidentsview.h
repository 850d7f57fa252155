#pragma once

#include <QWidget>
#include <optional>

class QSplitter;
class QTableView;
class QTextBrowser;

namespace sd {

class Session;
class IncidentsModel;
class FanoutProgressMonitor;
struct Incident;
struct NewIncident;
struct IncidentTemplate;

// Incidents (active, resolved, scheduled maintenance) with the selected one's update history, newest
// first; create, post update, resolve, postmortem, and a preview of the exact webhook body.
class IncidentsView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(IncidentsView)

public:
    explicit IncidentsView(Session &session, QWidget *parent = nullptr);

    IncidentsModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    QSplitter *splitter() const { return m_splitter; }
    QTextBrowser *history() const { return m_history; }
    void reload(); // a failed read leaves the rows as they were and says so in statusMessage
    // Each update in the timeline shows its webhooks' progress ("12,400 / 20,004 · 3 failed · ETA 6 s"):
    // the incident's updates are where a responder looks to see whether the word got out.
    void setFanoutProgress(FanoutProgressMonitor *monitor);

    void createIncident();
    void createFromTemplate(); // Incidents → New from template… (ui/templatepicker.h)
    QString
    incidentSubscribersHtml(const QString &incidentId); // the timeline's "Subscribers of this incident"
    void scheduleMaintenance();
    void postUpdate();
    void resolveSelected();
    void editPostmortem();
    void previewSelected();
    // The body a subscriber would receive for the selected incident (first live subscriber), for tests too.
    QString previewText();

Q_SIGNALS:
    void statusMessage(const QString &text);

private:
    const Incident *selected() const;
    void showHistory();
    void onFanoutUpdated();
    QString fanoutLine(const QString &eventId) const;
    void selectIncident(const QString &id);
    void postUpdateWith(bool resolve);
    // The create dialog (a maintenance window's, or filled from `fromTemplate` when given), then
    // createOnWorker.
    void createThroughDialog(bool maintenance, const IncidentTemplate *fromTemplate);
    void createOnWorker(const NewIncident &input, const QString &title);
    // The result of `read`, or nullopt after a warning naming the StoreError.
    template<typename Read>
    auto readOrWarn(const QString &title, Read read) -> std::optional<decltype(read())>;

    Session &m_session;
    IncidentsModel *m_model = nullptr;
    QTableView *m_table = nullptr;
    QTextBrowser *m_history = nullptr;
    QSplitter *m_splitter = nullptr;
    FanoutProgressMonitor *m_fanout = nullptr; // the session's; outlives this view
    QStringList m_fanoutShown;                 // the progress lines in the timeline now, to redraw on change
};

} // namespace sd
