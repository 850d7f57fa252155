#pragma once

#include <Qt>

// Roles shared by every console model. SortRole carries the raw value (number, time, severity) so a
// QSortFilterProxyModel sorts by value instead of by display text.
namespace sd::roles {

enum Role : int
{
    SortRole = Qt::UserRole + 1,
    IdRole,     // the row's entity id
    StatusRole, // the raw enum value (as int) the row's status column shows
    KindRole,   // row kind: component vs group, event kind, incident section
};

} // namespace sd::roles
