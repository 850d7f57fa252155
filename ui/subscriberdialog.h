#pragma once

#include "models/domain.h"
#include "models/upstream.h"

#include <QDialog>
#include <optional>
#include <vector>

class QLabel;
class QLineEdit;
class QListWidget;
class QDialogButtonBox;

namespace sd {

// Add or edit a webhook subscriber. Every field is checked as it is typed and the reason is shown
// beside the field (the same sentences the services use); Save stays disabled until all fields pass.
class SubscriberDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SubscriberDialog)

public:
    SubscriberDialog(const std::vector<Component> &components, const std::optional<Subscriber> &existing,
                     QWidget *parent = nullptr);

    QString endpoint() const;
    QString email() const;
    QString secret() const;
    QStringList componentIds() const;
    // The followed pages (issue 23) this subscriber also hears, ticked like the components; the list shows
    // only when this desk follows a page.
    void setFollowedPages(const std::vector<Upstream> &pages, const QStringList &hearing);
    QStringList upstreamIds() const;
    QListWidget *followedPages() const { return m_upstreams; }

    QLineEdit *endpointEdit() const { return m_endpoint; }
    QLineEdit *emailEdit() const { return m_email; }
    QLabel *endpointError() const { return m_endpointError; }
    QLabel *emailError() const { return m_emailError; }
    bool canSave() const;

    // Shows a service error that validation could not foresee (e.g. endpoint already subscribed).
    void showEndpointError(const QString &text);
    bool isDirty() const; // something typed or ticked since it opened

public Q_SLOTS:
    // Escape or Cancel with something typed asks before discarding it.
    void reject() override;

private:
    void validate();

    QLineEdit *m_endpoint = nullptr;
    QString m_storedEndpoint; // editing: the endpoint as stored, credentials and all
    QLabel *m_endpointError = nullptr;
    QLineEdit *m_email = nullptr;
    QLabel *m_emailError = nullptr;
    QLineEdit *m_secret = nullptr;
    QLabel *m_secretError = nullptr;
    QListWidget *m_components = nullptr;
    QListWidget *m_upstreams = nullptr; // null until setFollowedPages() with a page
    QDialogButtonBox *m_buttons = nullptr;
    QStringList m_initialComponents;
    QStringList m_initialUpstreams; // what isDirty() compares the followed pages' ticks with
};

} // namespace sd
