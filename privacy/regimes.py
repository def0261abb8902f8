"""What the market's privacy regimes mean for the privacy app, as data.

Regimes are market data (`Market.privacy_regimes`); this table says which of them
bring the US opt-out links and which are biometric-privacy laws.
"""

from django.utils.translation import gettext_lazy as _

# Regimes whose shoppers get "Do Not Sell or Share" and "Limit the Use" links.
US_OPT_OUT_REGIMES = frozenset({"ccpa"})
# Regimes under which camera use needs written consent first, with the law's name.
BIOMETRIC_REGIMES = {
    "bipa": _("Illinois Biometric Information Privacy Act (BIPA)"),
    "tdpsa": _("Texas Capture or Use of Biometric Identifier Act (CUBI)"),
}
# Bump when the wording of the biometric consent changes: everyone signs again.
BIOMETRIC_NOTICE_VERSION = 1
