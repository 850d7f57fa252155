#pragma once

#include <QString>

// Who is making a change, as recorded in the audit log, the histories and the deliveries.
namespace sd {

// "alice@desk-7": the OS user (USER, else LOGNAME, else the account of this process) and this machine's host
// name. Computed once.
QString defaultOperator();

// The operator to record: `chosen` (--as, the console's "Operator name…") when set, else STATUSDESK_OPERATOR,
// else defaultOperator(). Surrounding blanks are dropped.
QString resolveOperator(const QString &chosen = {});

// Empty when `name` can be recorded as an operator; otherwise one sentence saying why not.
QString checkOperatorName(const QString &name);

} // namespace sd
