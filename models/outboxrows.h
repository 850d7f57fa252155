#pragma once

#include "models/domain.h"

#include <QSqlQuery>
#include <QString>

// How an outbox row is read, shared by the two halves of OutboxRepository (outboxrepository.cpp, the
// listings; outboxleases.cpp, the engine's claims). Not for use outside the repository.
namespace sd::outboxrows {

// A message's listing columns over `messages m JOIN subscribers s`; an email's endpoint is
// mailto:<the address it was queued for>.
extern const QString kListColumns;
Message readMessage(const QSqlQuery &q, bool withBody); // withBody: column 16 is the body
extern const QString kAttemptColumns;
Attempt readAttempt(const QSqlQuery &q);

} // namespace sd::outboxrows
