/**
 * Hand-written conversation templates for two invented businesses:
 * - Shoply, an online home-and-outdoor shop (demo/data): six issue types.
 * - the Shoply Card, the shop's new store credit card (demo/data-shifted): card issues dominate,
 *   with different vocabulary, for the drift demo.
 * Slots in braces ({order}, {product}, ...) are filled by the generator.
 */
export interface IssueTemplates {
  openings: string[];
  asks: string[];
  details: string[];
  resolutions: string[];
  followups: string[];
  followupAnswers: string[];
}

export const SHOP_ISSUES: Record<string, IssueTemplates> = {
  shipping: {
    openings: [
      'Hi, my order {order} still has not arrived. It was supposed to come on {date}.',
      'Where is my parcel? I ordered a {product} {days} days ago and the tracking has not moved.',
      'Hello, the tracking for order {order} says "delayed". When will it be delivered?',
      'My delivery was marked as delivered but there is nothing at my door.',
      'Can you tell me when my {product} will ship? It still says processing.',
      'Hi there, I paid for express delivery but my order is late.',
    ],
    asks: [
      'I am sorry your parcel is late. Could you give me your order number so I can check the tracking?',
      'Let me look into that for you. What is the order number?',
      'Sorry about the wait! Can you confirm the order number and the delivery postcode?',
    ],
    details: [
      'The order number is {order}.',
      'It is {order}, going to {address}.',
      'Order {order}. You can also reach me on {phone} if the courier needs it.',
      '{order}, and my email is {email}.',
    ],
    resolutions: [
      'Thanks. Your parcel is with the courier and is now due on {date2}. I have added a note to deliver it to a neighbour if you are out.',
      'I can see the courier had a delay at the depot. The parcel will be delivered within 2 working days, and I have refunded your delivery fee.',
      'The tracking shows a failed delivery attempt. I have booked a new delivery for {date2} and you will get a text with a time slot.',
      'It looks like the parcel was lost in transit. I have sent a replacement {product} by express delivery at no cost; it should arrive by {date2}.',
    ],
    followups: [
      'Will I get a tracking link for the new delivery?',
      'Can I pick it up from a parcel locker instead?',
      'Do I need to be at home to sign for it?',
      'What happens if it does not arrive by then?',
    ],
    followupAnswers: [
      'Yes, a new tracking link will be emailed to you as soon as the courier scans the parcel.',
      'Yes, you can choose a parcel locker from the link in the tracking email before the delivery day.',
      'No signature is needed for this order, the courier can leave it in a safe place.',
      'If it has not arrived by then, reply to this chat and we will send a replacement or a full refund, whichever you prefer.',
    ],
  },
  returns: {
    openings: [
      'I would like to return the {product} I bought, it is not what I expected.',
      'Hi, how do I send back an item? The {product} arrived damaged.',
      'I returned a {product} two weeks ago and I still have not received my refund.',
      'The {product} is the wrong size, can I exchange it?',
      'Hello, I want a refund for order {order}, the item is faulty.',
      'Can I return something I bought in the sale?',
    ],
    asks: [
      'Of course, I can help with your return. What is the order number?',
      'I am sorry to hear that. Could you share the order number and tell me what is wrong with the item?',
      'Happy to help. Which order is it, and would you prefer a refund or an exchange?',
    ],
    details: [
      'Order {order}. I would prefer a refund please.',
      'It is {order}. The {product} has a crack on one side.',
      'Order number {order}. Please refund to the card I paid with.',
      '{order}. My name is {name} and I live at {address}.',
    ],
    resolutions: [
      'Thanks. I have created a free return label and emailed it to you. Once the {product} reaches our warehouse, the refund of £{amount} is issued within 5 working days.',
      'I have arranged an exchange: print the return label from your email, and we will send the new size as soon as the courier collects the old one.',
      'I checked and your return arrived on {date}. The refund of £{amount} was issued today and should show on your statement within 3 to 5 working days.',
      'Because the item arrived damaged, you do not need to send it back. I have issued a full refund of £{amount} to your original payment method.',
    ],
    followups: [
      'Do I need the original packaging?',
      'How long do I have to send it back?',
      'Can I drop it off at a post office?',
      'Will I get an email when the refund is done?',
    ],
    followupAnswers: [
      'No, any sturdy box is fine, as long as the item is well protected.',
      'You have 30 days from delivery to return an item, and 60 days for orders placed in December.',
      'Yes, you can drop the parcel at any post office or parcel shop with the label from your email.',
      'Yes, you will get a confirmation email as soon as the refund has been issued.',
    ],
  },
  billing: {
    openings: [
      'I have been charged twice for order {order}.',
      'Hi, my payment failed but the money left my account.',
      'Can I get a VAT invoice for my order?',
      'Why was I charged £{amount} when the total at checkout was lower?',
      'My card was declined at checkout, but it works everywhere else.',
      'Hello, I used a discount code but it was not applied to my payment.',
    ],
    asks: [
      'I am sorry about the confusion with your payment. Could you tell me the order number and the last four digits of the card?',
      'Let me check the payment. What is the order number, please?',
      'I can look into that. Which order is this about, and what amount do you see on your statement?',
    ],
    details: [
      'Order {order}, card ending {card4}.',
      'It is order {order}. The full card number is {card}.',
      'Order {order}. I paid by bank transfer from {iban}.',
      '{order}. I see two payments of £{amount} on my statement.',
    ],
    resolutions: [
      'Thanks. I can see the second charge was only a pending authorisation; it will drop off your statement within 3 working days, and you have only paid once.',
      'You were indeed charged twice. I have refunded the duplicate payment of £{amount}; it will show on your statement within 5 working days.',
      'I have emailed a VAT invoice for order {order} to the address on your account. You can also download it from the Orders page.',
      'The discount code had expired on {date}, but I have applied the same discount as a goodwill gesture and refunded £{amount}.',
    ],
    followups: [
      'Can I get that in writing?',
      'Which payment methods do you accept?',
      'Will this affect my credit score?',
      'Can I pay in instalments next time?',
    ],
    followupAnswers: [
      'Yes, I have sent a confirmation email with the details of the refund.',
      'We accept debit and credit cards, PayPal, Apple Pay and bank transfer.',
      'No, a refund or a pending authorisation does not affect your credit score.',
      'Yes, for orders over £100 you can choose to pay in three instalments at checkout.',
    ],
  },
  order_change: {
    openings: [
      'I need to change the delivery address for order {order}.',
      'Can I cancel my order? I placed it by mistake.',
      'Hi, I want to add another item to my order before it ships.',
      'I ordered the wrong colour of the {product}, can I change it?',
      'Please cancel order {order}, I found it cheaper elsewhere.',
      'Can I change the delivery date of my order?',
    ],
    asks: [
      'Sure, let me check whether the order has shipped yet. What is the order number?',
      'I can help with that. Could you give me the order number?',
      'No problem. Which order is it, and what would you like to change?',
    ],
    details: [
      'It is {order}. The new address is {address}.',
      'Order {order}, please.',
      '{order}. I would like the blue one instead.',
      'Order {order}. My phone number is {phone} if you need to call.',
    ],
    resolutions: [
      'Your order had not shipped yet, so I have updated the delivery address. You will get a confirmation email shortly.',
      'I have cancelled order {order}. The payment of £{amount} will be refunded to your original payment method within 3 to 5 working days.',
      'The order has already been packed, so I cannot change it now, but you can return the item for free when it arrives.',
      'Done: I have changed the colour and the order will ship tomorrow. The price is the same.',
    ],
    followups: [
      'Will the delivery date change?',
      'Do I get a confirmation email?',
      'Can I still use my discount code?',
      'Is there a fee for cancelling?',
    ],
    followupAnswers: [
      'No, the delivery date stays the same.',
      'Yes, a confirmation email is on its way to you now.',
      'Yes, the discount code stays applied to the order.',
      'No, there is no fee for cancelling an order before it ships.',
    ],
  },
  product_question: {
    openings: [
      'Is the {product} machine washable?',
      'What are the dimensions of the {product}?',
      'Does the {product} come with a warranty?',
      'Hi, is the {product} suitable for outdoor use?',
      'Will the {product} be back in stock soon?',
      'What material is the {product} made of?',
    ],
    asks: [
      'Great question! Which size or colour of the {product} are you looking at?',
      'Happy to help. Is this the {product} from our new collection?',
      'Let me check the product details for you. Do you have the product code?',
    ],
    details: [
      'The standard size, in grey.',
      'Yes, the one on the front page.',
      'I do not have the code, it is the {product} for £{amount}.',
      'The large one, please.',
    ],
    resolutions: [
      'The {product} is made of 100% recycled materials and comes with a 2-year warranty.',
      'Yes, it is machine washable at 40 degrees; we recommend drying it flat.',
      'It measures 45 by 60 centimetres and weighs about 2 kilograms.',
      'It is out of stock right now, but new stock arrives on {date2}. You can sign up for a back-in-stock email on the product page.',
    ],
    followups: [
      'Do you ship it to Ireland?',
      'Is there a discount if I buy two?',
      'Can I see it in a shop?',
      'Does it come gift wrapped?',
    ],
    followupAnswers: [
      'Yes, we ship to Ireland; delivery takes 3 to 5 working days.',
      'There is no multi-buy discount at the moment, but orders over £50 ship for free.',
      'We are an online-only shop, but you can return it for free within 30 days if it is not right.',
      'Yes, you can add gift wrapping for £3 at checkout.',
    ],
  },
  account: {
    openings: [
      'I cannot log in to my account, the password reset email never arrives.',
      'How do I change the email address on my account?',
      'Please delete my account and my data.',
      'My account is locked after too many login attempts.',
      'I want to unsubscribe from your marketing emails.',
      'Hi, I think someone else used my account to place an order.',
    ],
    asks: [
      'I am sorry for the trouble. Which email address is the account registered with?',
      'I can help with that. To find your account, could you tell me your email address?',
      'Let me sort that out. What is the email on your account?',
    ],
    details: [
      'It is {email}.',
      'My email is {email} and my name is {name}.',
      '{email}, phone {phone}.',
      'The account is under {email}.',
    ],
    resolutions: [
      'Thanks. The reset emails were going to your spam folder. I have sent a new reset link; it is valid for 24 hours.',
      'I have unlocked your account. You can log in again now; we recommend choosing a new password.',
      'I have sent a confirmation link to your new email address. Once you click it, the change is complete.',
      'I have secured your account, cancelled the unknown order and reset your password. Please check your email for the reset link.',
    ],
    followups: [
      'How long does the deletion take?',
      'Will I lose my order history?',
      'Can I turn on two-factor authentication?',
      'Why did this happen?',
    ],
    followupAnswers: [
      'Account deletion is completed within 30 days, and you will get an email when it is done.',
      'Your order history stays in your account unless you ask us to delete the account.',
      'Yes, you can turn on two-factor authentication under Account settings, Security.',
      'Most often it is a reused password from another website; a unique password prevents it.',
    ],
  },
};

/** The issue mix of the main demo set. */
export const SHOP_MIX = { shipping: 26, returns: 20, billing: 15, order_change: 14, product_question: 15, account: 10 } as const;

export const SHOP_PRODUCTS = ['linen duvet cover', 'ceramic pour-over set', 'merino wool throw', 'oak bedside table', 'cast-iron skillet', 'bamboo bath towel set', 'brass desk lamp', 'glass kettle', 'rain jacket', 'hiking backpack', 'camping lantern', 'wool rug'];

export const CARD_ISSUES: Record<string, IssueTemplates> = {
  card_declined: {
    openings: [
      'My Shoply Card was declined at the till today even though I have credit left.',
      'Why does my card keep getting declined for online payments?',
      'Hi, my contactless payment was refused at a petrol station abroad.',
      'The card is declined every time I try to pay my phone bill.',
    ],
    asks: [
      'I am sorry your card was declined. Could you confirm the last four digits of the card and where you tried to pay?',
      'Let me check the card status. What are the last four digits of your Shoply Card?',
    ],
    details: [
      'The card ends in {card4}, I was paying at a supermarket.',
      'Ending {card4}. It was an online payment of £{amount}.',
      'The full number is {card}, it happened abroad.',
    ],
    resolutions: [
      'Thanks. The payment was blocked by our fraud check because it was unusual for your card. I have confirmed it with you, so please try again and it will go through.',
      'Your card has a temporary block after three wrong PIN entries. I have removed the block; please use the correct PIN next time or reset it in the app.',
      'Payments abroad were switched off in your card settings. I have switched them on, and you can control this yourself in the app under Card controls.',
    ],
    followups: ['Will this happen again?', 'Is my card safe to use?', 'Can I raise my credit limit?'],
    followupAnswers: [
      'It should not: the fraud check now knows this payment pattern is yours.',
      'Yes, your card is safe; there were no suspicious payments on it.',
      'You can request a higher credit limit in the app; we will decide within 2 working days.',
    ],
  },
  lost_card: {
    openings: [
      'I have lost my Shoply Card, please block it.',
      'My card was stolen from my bag this morning.',
      'I cannot find my card anywhere, what should I do?',
      'Someone used my card for payments I did not make after I lost it.',
    ],
    asks: [
      'I am sorry to hear that. To block the card, could you confirm your full name and date of birth?',
      'Let us block the card right away. Can you confirm your name and the email on your account?',
    ],
    details: [
      'My name is {name}, born 14 March 1988.',
      '{name}, email {email}.',
      'It is {name}. My phone number is {phone}.',
    ],
    resolutions: [
      'Thank you. The card is now permanently blocked and a new card is on its way to your home address; it arrives within 5 working days.',
      'I have blocked the card. The two payments you did not make are now disputed and you will not have to pay for them.',
      'Your card is blocked and a replacement has been ordered. Until it arrives, you can pay with the virtual card in the app.',
    ],
    followups: ['Will my new card have the same PIN?', 'Do I need to update my direct debits?', 'Is there a fee for the new card?'],
    followupAnswers: [
      'Yes, your new card keeps the same PIN.',
      'Your card number changes, so please update any payments that use the card details.',
      'No, replacing a lost or stolen card is free.',
    ],
  },
  card_activation: {
    openings: [
      'My new Shoply Card arrived, how do I activate it?',
      'I tried to activate my card in the app but it shows an error.',
      'Hi, I never received my PIN for the new card.',
      'How do I set up Apple Pay with my store card?',
    ],
    asks: ['Happy to help. Have you already logged in to the Shoply Card app?', 'Let me help you with that. Which phone are you using, and do you have the card with you?'],
    details: ['Yes, I am logged in on my iPhone.', 'I have the card here, it ends in {card4}.', 'I use an Android phone.'],
    resolutions: [
      'To activate it, open the app, tap Card, then Activate, and enter the last four digits. Your card is ready to use straight away.',
      'The error was caused by an old app version. Please update the app and try again; activation then takes a few seconds.',
      'Your PIN is shown in the app under Card, Show PIN, after you log in. We no longer send PINs by post.',
    ],
    followups: ['Can I change my PIN?', 'Does the card work abroad?', 'When is my first statement?'],
    followupAnswers: [
      'Yes, you can change your PIN at any cash machine in the UK.',
      'Yes, the card works worldwide and there are no foreign transaction fees.',
      'Your first statement is issued one month after activation.',
    ],
  },
  chargeback: {
    openings: [
      'I want to dispute a payment on my card, the merchant never delivered.',
      'There is a payment of £{amount} on my card that I do not recognise.',
      'I was charged twice by a hotel, can you get my money back?',
      'How do I raise a chargeback for a cancelled flight?',
    ],
    asks: [
      'I can raise a dispute for you. Could you tell me the date, the merchant name and the amount?',
      'Let me help with the dispute. When was the payment, and have you contacted the merchant already?',
    ],
    details: [
      'It was on {date}, £{amount} to an online electronics shop.',
      'The payment was on {date}, and the merchant does not answer my emails.',
      'Hotel Seaview, £{amount}, on {date}.',
    ],
    resolutions: [
      'Thank you. I have raised a chargeback and credited £{amount} to your card while we investigate; we will update you within 30 days.',
      'I have opened a dispute with the merchant. You do not need to pay the disputed amount while it is open.',
      'The payment is from a subscription you started on {date}. I have blocked future payments to that merchant and raised a dispute for the last one.',
    ],
    followups: ['Do I need to send any proof?', 'What if the merchant disagrees?', 'Will my credit be reduced meanwhile?'],
    followupAnswers: [
      'If you have an order confirmation or emails with the merchant, please upload them in the app under Disputes.',
      'If the merchant disagrees, we review their evidence and yours and let you know our decision.',
      'No, the disputed amount is credited back while we investigate, so your available credit stays the same.',
    ],
  },
  card_billing: {
    openings: [
      'Why was I charged interest on my Shoply Card statement?',
      'What is the APR on the Shoply Card?',
      'I paid my balance in full but there is still a charge on my statement.',
      'Can I change the date my card payment is taken?',
    ],
    asks: ['Let me look at your statement. Could you confirm the last four digits of your card?', 'Happy to explain. Which statement are you looking at?'],
    details: ['The card ends in {card4}.', 'The statement from {date}.', 'Ending {card4}, the latest statement.'],
    resolutions: [
      'The interest was charged because the full balance was paid two days after the due date. As a one-off, I have refunded the £{amount} interest.',
      'The representative APR is 24.9% variable. You pay no interest on purchases if you pay the full balance by the due date.',
      'I have moved your payment date to the 15th of each month, starting from the next statement.',
    ],
    followups: ['Can I set up a direct debit?', 'Where can I see my statements?', 'Is there an annual fee?'],
    followupAnswers: [
      'Yes, you can set up a direct debit for the minimum payment or the full balance in the app.',
      'All your statements are in the app under Statements, for the last seven years.',
      'No, the Shoply Card has no annual fee.',
    ],
  },
  shipping: SHOP_ISSUES.shipping,
};

/** The shifted mix: the store card dominates, shop issues fade. */
export const CARD_MIX = { card_declined: 24, lost_card: 18, card_activation: 16, chargeback: 16, card_billing: 16, shipping: 10 } as const;

export const CUSTOMER_THANKS = ['Thank you!', 'Great, thanks for your help.', 'Perfect, thank you so much.', 'OK thanks.', 'Brilliant, cheers!', 'Thanks, that is all I needed.'];
export const AGENT_CLOSINGS = [
  'You are welcome! Is there anything else I can help you with?',
  'Glad I could help. Have a lovely day!',
  'My pleasure. Thank you for shopping with Shoply!',
  'Happy to help. Take care!',
];

/** Off-topic requests and the polite redirect a support agent gives (out-of-scope examples). */
export const OUT_OF_SCOPE: [string, string][] = [
  ['Can you write me a poem about my cat?', 'I am afraid I can only help with Shoply orders, deliveries, returns and your account. Is there anything about an order I can help with?'],
  ['What will the weather be like in Bristol tomorrow?', 'I am sorry, I cannot help with weather forecasts. I am here for questions about your Shoply orders and account.'],
  ['Which shares should I buy this year?', 'I am not able to give investment advice. If you have a question about a Shoply order, I am happy to help.'],
  ['Can you help me with my maths homework?', 'Sorry, that is outside what I can help with here. I can help with orders, deliveries, returns and payments at Shoply.'],
];

export const HANDOFFS = [
  'Let me connect you to a colleague from our {team} team who can help with this.',
  'I am transferring you to a specialist now, please hold on.',
  'I will pass this to my colleague in the {team} team, they will reply within the hour.',
];

export const SYSTEM_PROMPT = "You are Shoply's customer service assistant. Be friendly, brief and precise, and only help with Shoply orders, deliveries, returns, payments and accounts.";
