#pragma once

#include <QByteArray>

// history.rss and history.atom: the page's incidents and maintenances as feeds, as Statuspage pages offer.
namespace sd::api {

struct PublicSnapshot;

QByteArray historyRss(const PublicSnapshot &snapshot);
QByteArray historyAtom(const PublicSnapshot &snapshot);

} // namespace sd::api
