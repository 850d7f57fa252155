#pragma once

#include "models/domain.h"
#include "models/upstream.h"

#include <QDialog>
#include <vector>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QDialogButtonBox;

namespace sd {

struct DeliverySettings;

namespace upstream {
class UpstreamHttp;
}

// File → Follow a status page…: the page's address, an optional name and how often to read it. OK reads the
// page once (in the background: the dialog stays responsive) and is accepted only when it is a Statuspage
// page, or when the operator says to follow it anyway.
class FollowPageDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FollowPageDialog)

public:
    // The page is read the way the poller reads it: the target policy and the proxy in `settings`.
    explicit FollowPageDialog(const DeliverySettings &settings, QWidget *parent = nullptr);
    ~FollowPageDialog() override;

    QString url() const;
    QString name() const;
    qint64 intervalMs() const;
    QString pageName() const { return m_pageName; } // what the page called itself, once checked
    QLineEdit *urlEdit() const { return m_url; }
    QLabel *message() const { return m_message; }

    void accept() override;

private:
    QLineEdit *m_url = nullptr;
    QLineEdit *m_name = nullptr;
    QComboBox *m_every = nullptr;
    QLabel *m_message = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
    upstream::UpstreamHttp *m_http = nullptr; // child
    QString m_pageName;
    QString m_checkedUrl; // the address the last check failed for: OK again follows it anyway
    bool m_checking = false;
};

// Which subscribers a followed page is relayed to (besides your own page's webhooks, which they keep).
class RelaySubscribersDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RelaySubscribersDialog)

public:
    RelaySubscribersDialog(const Upstream &page, const std::vector<Subscriber> &subscribers,
                           const QStringList &hearing, QWidget *parent = nullptr);
    QStringList chosen() const; // subscriber ids
    QListWidget *list() const { return m_list; }

private:
    QListWidget *m_list = nullptr;
};

// "Caused by <page>: <incident>": which local incident the selected upstream incident caused.
class LinkIncidentDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LinkIncidentDialog)

public:
    LinkIncidentDialog(const QString &upstreamName, const QString &upstreamIncident,
                       const std::vector<Incident> &local, QWidget *parent = nullptr);
    QString incidentId() const;
    QComboBox *incidents() const { return m_incidents; }

private:
    QComboBox *m_incidents = nullptr;
};

} // namespace sd
