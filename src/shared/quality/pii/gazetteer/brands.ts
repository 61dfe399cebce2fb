/**
 * Brands customers name in support chats: payment, delivery, shops and marketplaces, software,
 * devices, carriers. compromise's organisation list is mostly newspapers, banks and sports clubs,
 * so "pay with Klarna" or "is it on Shopify?" read as a foreign name after a cue word.
 * Hand-written; brands that are also common given names or surnames ("Alexa", "Ford", "Dell",
 * "Hilton", "Mercedes") are left out, because a name must win there.
 */
export const CUSTOMER_SERVICE_BRANDS =
  // Payment
  'klarna|afterpay|clearpay|affirm|sezzle|zip|stripe|adyen|braintree|worldpay|venmo|zelle|cashapp|revolut|monzo|' +
  'wise|transferwise|n26|bunq|sofort|ideal|bancontact|giropay|przelewy24|blik|alipay|wechat|paysafecard|skrill|' +
  'payoneer|maestro|discover|jcb|unionpay|applepay|gpay|' +
  // Delivery
  'dhl|ups|fedex|usps|tnt|dpd|gls|evri|hermes|yodel|parcelforce|royalmail|postnl|bpost|colissimo|chronopost|' +
  'correos|seur|purolator|canpost|auspost|sendle|aramex|inpost|packeta|posti|postnord|bring|' +
  // Shops and marketplaces
  'shopify|etsy|zalando|walmart|ikea|asos|temu|shein|aliexpress|alibaba|wish|otto|bol|cdiscount|allegro|' +
  'rakuten|mercadolibre|flipkart|lazada|shopee|tokopedia|woocommerce|magento|bigcommerce|squarespace|wix|' +
  'booking|airbnb|expedia|tripadvisor|deliveroo|doordash|grubhub|instacart|lyft|bolt|' +
  // Software and services
  'zendesk|intercom|freshdesk|salesforce|hubspot|slack|zoom|teams|outlook|gmail|hotmail|yahoo|icloud|' +
  'dropbox|onedrive|spotify|disney|hulu|twitch|tiktok|snapchat|pinterest|reddit|telegram|signal|viber|' +
  'chrome|firefox|safari|opera|ios|macos|linux|ubuntu|wordpress|github|okta|authy|' +
  // Devices
  'samsung|huawei|xiaomi|oneplus|oppo|motorola|nokia|sony|lenovo|asus|acer|logitech|fitbit|garmin|roku|' +
  'xbox|playstation|nintendo|ipad|macbook|airpods|kindle|chromecast|firestick|' +
  // Carriers and utilities
  'vodafone|verizon|comcast|xfinity|tmobile|sprint|telekom|telefonica|movistar|swisscom|sky|bt|ee|o2';
