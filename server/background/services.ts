/** The background services of this build; each import registers itself with ./index. */
import "../environments/reconcile";
import "../environments/heal";
import "../stats/background";
import "../https/renewal";
