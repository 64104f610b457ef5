// Name and postcode tables for the synthetic data generator. Compiled from
// general knowledge of naming in England and Wales; frequencies are ranks, not
// measured shares.
#include "tools/synth_names.h"

#include <iterator>

namespace probity::synth {
namespace {

template <size_t N>
constexpr NameList L(const char* const (&a)[N]) {
  return NameList{a, static_cast<uint32_t>(N)};
}

// ---------------------------------------------------------------- forenames

const char* const kMale1950s[] = {
    "David", "John", "Peter", "Michael", "Robert", "Paul", "Stephen", "Richard", "Christopher",
    "Alan", "Brian", "Anthony", "Ian", "Keith", "William", "James", "Kevin", "Gary", "Graham",
    "Martin", "Philip", "Trevor", "Barry", "Terence", "Colin", "Kenneth", "Raymond", "Roger",
    "Geoffrey", "Malcolm", "Derek", "Dennis", "Gordon", "Leslie", "Ronald", "Thomas", "George",
    "Andrew", "Mark", "Neil", "Patrick", "Edward", "Frederick", "Harold", "Gerald", "Lawrence"};
const char* const kMale1960s[] = {
    "Paul", "David", "Mark", "Andrew", "Stephen", "Michael", "Ian", "Gary", "Peter", "Robert",
    "John", "Richard", "Kevin", "Steven", "Christopher", "Anthony", "Martin", "Simon", "Darren",
    "Neil", "Philip", "Jason", "Nigel", "Carl", "Dean", "Wayne", "Alan", "Colin", "Lee",
    "Shaun", "Graham", "Jonathan", "Timothy", "Nicholas", "Keith", "Russell", "Glen", "Adrian",
    "Derek", "James", "William", "Thomas", "Patrick", "Kenneth", "Raymond", "Terence"};
const char* const kMale1970s[] = {
    "Paul", "Mark", "David", "Andrew", "Richard", "Christopher", "James", "Simon", "Michael",
    "Matthew", "Stephen", "Lee", "Jason", "Darren", "Daniel", "Robert", "Steven", "Craig",
    "Gary", "Dean", "Wayne", "Carl", "Scott", "Ian", "Anthony", "Neil", "Martin", "Jonathan",
    "Stuart", "Kevin", "Shaun", "Nicholas", "Peter", "John", "Gareth", "Adam", "Jamie",
    "Benjamin", "Barry", "Karl", "Thomas", "William", "Philip", "Joseph", "Sean", "Graham"};
const char* const kMale1980s[] = {
    "Christopher", "James", "David", "Daniel", "Michael", "Matthew", "Andrew", "Richard",
    "Paul", "Mark", "Thomas", "Adam", "Robert", "John", "Lee", "Benjamin", "Steven",
    "Jonathan", "Craig", "Stephen", "Simon", "Nicholas", "Peter", "Anthony", "Alexander",
    "Gary", "Ian", "Ryan", "Luke", "Jamie", "Stuart", "Philip", "Darren", "William", "Gareth",
    "Martin", "Kevin", "Scott", "Dean", "Joseph", "Jason", "Neil", "Samuel", "Carl", "Sean",
    "Timothy", "Oliver", "Ashley", "Wayne", "Edward", "Shaun", "Aaron", "Kieran", "Liam"};
const char* const kMale1990s[] = {
    "Thomas", "James", "Jack", "Daniel", "Matthew", "Ryan", "Joshua", "Luke", "Samuel",
    "Jordan", "Adam", "Michael", "Alexander", "Christopher", "Benjamin", "Joseph", "Liam",
    "Jake", "William", "Andrew", "George", "Lewis", "Oliver", "David", "Robert", "Callum",
    "Connor", "Kieran", "Nathan", "Aaron", "Ashley", "Bradley", "Jamie", "Scott", "Harry",
    "Dean", "Kyle", "Jacob", "Reece", "Shane", "Charlie", "Tyler", "Owen", "Dylan", "Rhys",
    "Declan", "Sean", "Craig", "Lee", "Mark", "Ross", "Jay"};
const char* const kMale2000s[] = {
    "Jack", "Thomas", "Joshua", "Oliver", "Harry", "James", "William", "Samuel", "Daniel",
    "Charlie", "Benjamin", "Joseph", "Callum", "George", "Jake", "Alfie", "Luke", "Matthew",
    "Ethan", "Lewis", "Jacob", "Ryan", "Dylan", "Tyler", "Liam", "Alexander", "Connor",
    "Adam", "Cameron", "Nathan", "Kyle", "Max", "Kieran", "Reece", "Bradley", "Jordan",
    "Owen", "Harvey", "Aaron", "Mason", "Billy", "Kai", "Louis", "Rhys", "Jamie", "Archie",
    "Logan", "Leon", "Riley", "Finley", "Louie", "Brandon"};

const char* const kFemale1950s[] = {
    "Susan", "Linda", "Christine", "Margaret", "Janet", "Patricia", "Carol", "Elizabeth",
    "Mary", "Anne", "Ann", "Jane", "Jacqueline", "Barbara", "Valerie", "Pauline", "Sandra",
    "Gillian", "Jennifer", "Maureen", "Kathleen", "Diane", "Lesley", "Judith", "Janice",
    "Brenda", "Sheila", "Helen", "Angela", "Marion", "Wendy", "Hilary", "Irene", "Sylvia",
    "Doreen", "Joan", "Rosemary", "Yvonne", "Catherine", "Denise", "Teresa", "Eileen"};
const char* const kFemale1960s[] = {
    "Susan", "Julie", "Karen", "Jacqueline", "Deborah", "Tracey", "Jane", "Helen", "Diane",
    "Sharon", "Tracy", "Angela", "Sarah", "Alison", "Caroline", "Amanda", "Sandra", "Linda",
    "Catherine", "Elizabeth", "Carol", "Joanne", "Wendy", "Janet", "Dawn", "Christine",
    "Nicola", "Lorraine", "Jayne", "Beverley", "Lynn", "Denise", "Michelle", "Kim", "Kathryn",
    "Gillian", "Andrea", "Ann", "Paula", "Mandy", "Margaret", "Patricia", "Theresa"};
const char* const kFemale1970s[] = {
    "Sarah", "Claire", "Nicola", "Emma", "Lisa", "Joanne", "Michelle", "Helen", "Samantha",
    "Karen", "Amanda", "Rachel", "Louise", "Julie", "Clare", "Rebecca", "Sharon", "Victoria",
    "Caroline", "Susan", "Alison", "Catherine", "Elizabeth", "Deborah", "Donna", "Tracey",
    "Tracy", "Natalie", "Kelly", "Dawn", "Angela", "Lindsey", "Kerry", "Gemma", "Jennifer",
    "Zoe", "Jane", "Leanne", "Katherine", "Anna", "Joanna", "Lucy", "Kathryn"};
const char* const kFemale1980s[] = {
    "Sarah", "Laura", "Gemma", "Emma", "Rebecca", "Claire", "Victoria", "Samantha", "Rachel",
    "Amy", "Jennifer", "Nicola", "Katie", "Lisa", "Kelly", "Natalie", "Louise", "Michelle",
    "Hayley", "Stacey", "Lauren", "Charlotte", "Jessica", "Danielle", "Kerry", "Emily",
    "Joanne", "Leanne", "Amanda", "Stephanie", "Hannah", "Zoe", "Kirsty", "Catherine", "Jade",
    "Elizabeth", "Lucy", "Sophie", "Helen", "Kimberley", "Carly", "Katherine", "Jodie",
    "Donna", "Sian", "Kayleigh", "Lindsay", "Tracey"};
const char* const kFemale1990s[] = {
    "Rebecca", "Lauren", "Jessica", "Charlotte", "Hannah", "Sophie", "Amy", "Emily", "Laura",
    "Emma", "Chloe", "Sarah", "Lucy", "Katie", "Bethany", "Georgia", "Jade", "Megan",
    "Danielle", "Natalie", "Samantha", "Rachel", "Stephanie", "Holly", "Amber", "Shannon",
    "Abigail", "Jasmine", "Kayleigh", "Leah", "Victoria", "Courtney", "Alice", "Eleanor",
    "Olivia", "Ellie", "Zoe", "Paige", "Jodie", "Naomi", "Kirsty", "Nicole", "Chelsea",
    "Stacey", "Hayley", "Gemma"};
const char* const kFemale2000s[] = {
    "Chloe", "Emily", "Megan", "Jessica", "Sophie", "Lauren", "Charlotte", "Hannah", "Olivia",
    "Ellie", "Amy", "Holly", "Bethany", "Lucy", "Grace", "Georgia", "Abigail", "Katie",
    "Emma", "Jade", "Molly", "Shannon", "Rebecca", "Leah", "Amber", "Paige", "Ella",
    "Eleanor", "Courtney", "Niamh", "Caitlin", "Mia", "Jasmine", "Millie", "Keira", "Evie",
    "Isabel", "Aimee", "Demi", "Brooke", "Morgan", "Libby", "Summer", "Erin", "Isabella",
    "Freya", "Lily", "Jodie"};

const char* const kRareMale[] = {
    "Ambrose", "Barnaby", "Cedric", "Clifford", "Cyril", "Dafydd", "Gethin", "Iolo", "Rhodri",
    "Emyr", "Hywel", "Idris", "Aled", "Gwilym", "Hamish", "Alasdair", "Fergus", "Angus",
    "Duncan", "Euan", "Lachlan", "Rory", "Ewan", "Murdo", "Crispin", "Jasper", "Rupert",
    "Giles", "Hugo", "Quentin", "Roland", "Lionel", "Norman", "Stanley", "Walter", "Wilfred",
    "Reginald", "Percy", "Albert", "Arthur", "Ernest", "Leonard", "Sidney", "Vernon", "Clive",
    "Howard", "Vincent", "Warren", "Elliot", "Toby", "Rowan", "Tristan", "Conrad", "Dominic",
    "Gregory", "Jeremy", "Julian", "Marcus", "Nathaniel", "Oscar", "Harley", "Kane", "Tommy",
    "Ricky", "Darrell", "Dale", "Troy", "Mitchell", "Jake", "Frankie", "Alfie", "Reuben",
    "Sonny", "Bobby", "Jayden", "Jaden", "Brett", "Grant", "Gavin", "Calvin", "Curtis"};
const char* const kRareFemale[] = {
    "Ffion", "Rhiannon", "Cerys", "Bronwen", "Angharad", "Carys", "Eleri", "Nia", "Seren",
    "Eilidh", "Morag", "Kirsteen", "Isla", "Ailsa", "Fiona", "Mhairi", "Iona", "Agnes",
    "Beatrice", "Cecilia", "Dorothy", "Edith", "Florence", "Gladys", "Harriet", "Ivy",
    "Mabel", "Muriel", "Phyllis", "Winifred", "Imogen", "Jemima", "Matilda", "Penelope",
    "Rosalind", "Tamsin", "Verity", "Felicity", "Harriet", "Josephine", "Kimberly", "Tanya",
    "Tina", "Toni", "Vicky", "Leigh", "Kelsey", "Kerrie", "Shelley", "Cheryl", "Marie",
    "Roxanne", "Stella", "Tia", "Lacey", "Skye", "Poppy", "Maisie", "Darcy", "Esme",
    "Hollie", "Tegan", "Sadie", "Carla", "Gail", "Jill", "Lynne", "Rosie", "Becky"};

const char* const kIrishMale[] = {
    "Seán", "Patrick", "Michael", "Pádraig", "Ciarán", "Darragh", "Conor", "Cian", "Oisín",
    "Eoin", "Liam", "Declan", "Colm", "Diarmuid", "Éamonn", "Niall", "Ruairí", "Tadhg",
    "Cathal", "Dónal", "Fearghal", "Brendan", "Kieran", "Aidan", "Séamus", "Cillian",
    "Fionn", "Donncha", "Shane", "Dermot", "Eoghan", "Tomás", "Aodhán", "Ronan", "Barry"};
const char* const kIrishFemale[] = {
    "Siobhán", "Niamh", "Aoife", "Saoirse", "Caoimhe", "Órla", "Róisín", "Máire", "Sinéad",
    "Clodagh", "Gráinne", "Bríd", "Eimear", "Ciara", "Áine", "Deirdre", "Nóirín", "Orlaith",
    "Mairéad", "Síle", "Aisling", "Catríona", "Úna", "Fionnuala", "Méabh", "Bláthnaid",
    "Maeve", "Bridget", "Mary", "Kathleen", "Sorcha", "Róise", "Éabha"};
const char* const kSouthAsianMale[] = {
    "Mohammed", "Muhammad", "Mohamed", "Ahmed", "Ali", "Imran", "Adil", "Tariq", "Asif",
    "Bilal", "Hamza", "Usman", "Zain", "Amir", "Omar", "Yusuf", "Ibrahim", "Hassan",
    "Abdul", "Shahid", "Kamran", "Naveed", "Faisal", "Arif", "Sajid", "Wasim", "Zubair",
    "Rizwan", "Aamir", "Irfan", "Javed", "Nadeem", "Sohail", "Waqas", "Adnan", "Haroon",
    "Shafiq", "Junaid", "Ayaan", "Rehan", "Shakil", "Abdullah", "Raheem", "Saqib"};
const char* const kSouthAsianFemale[] = {
    "Fatima", "Ayesha", "Aisha", "Zainab", "Maryam", "Amina", "Saima", "Nadia", "Shazia",
    "Farah", "Sana", "Hina", "Rubina", "Nasreen", "Parveen", "Shabana", "Yasmin", "Samina",
    "Bushra", "Noor", "Sabrina", "Rukhsana", "Nazia", "Humaira", "Asma", "Sadia", "Tahira",
    "Shahida", "Iqra", "Mehreen", "Zara", "Rabia", "Sumaira", "Shamima"};
const char* const kSikhMale[] = {
    "Harpreet", "Gurpreet", "Jaswinder", "Manpreet", "Sukhdev", "Rajinder", "Kuldip",
    "Jagdeep", "Ranjit", "Gurdeep", "Amarjit", "Balwinder", "Paramjit", "Harjit", "Jasbir",
    "Kulwant", "Sukhwinder", "Hardeep", "Inderjit", "Mandeep", "Jaspal", "Satnam"};
const char* const kSikhFemale[] = {
    "Harpreet", "Gurpreet", "Manpreet", "Jaspreet", "Simran", "Kamaljit", "Rajwinder",
    "Sukhjit", "Amarjit", "Balbir", "Harjinder", "Jasvir", "Kulwinder", "Navdeep",
    "Parminder", "Rupinder", "Sandeep", "Jasleen"};
const char* const kHinduMale[] = {
    "Arjun", "Rajesh", "Sanjay", "Vikram", "Amit", "Ravi", "Sunil", "Deepak", "Rahul",
    "Nikhil", "Ajay", "Mukesh", "Anil", "Ashok", "Dinesh", "Hitesh", "Jayesh", "Kiran",
    "Manoj", "Nilesh", "Pradeep", "Rakesh", "Sachin", "Vijay", "Vishal", "Yogesh"};
const char* const kHinduFemale[] = {
    "Priya", "Anjali", "Sunita", "Pooja", "Neha", "Kiran", "Meena", "Geeta", "Anita",
    "Reena", "Bhavna", "Divya", "Hema", "Jyoti", "Kavita", "Nisha", "Rekha", "Shilpa",
    "Sonal", "Usha", "Vaishali"};
const char* const kPolishMale[] = {
    "Łukasz", "Michał", "Paweł", "Piotr", "Krzysztof", "Tomasz", "Marcin", "Grzegorz",
    "Jakub", "Mateusz", "Kamil", "Wojciech", "Adam", "Marek", "Rafał", "Dariusz",
    "Sławomir", "Przemysław", "Bartłomiej", "Jarosław", "Andrzej", "Zbigniew", "Artur",
    "Sebastian", "Damian", "Radosław", "Mariusz", "Maciej", "Szymon", "Dawid", "Patryk",
    "Robert", "Daniel", "Janusz", "Mirosław", "Karol"};
const char* const kPolishFemale[] = {
    "Agnieszka", "Katarzyna", "Małgorzata", "Anna", "Joanna", "Magdalena", "Monika", "Ewa",
    "Justyna", "Aleksandra", "Paulina", "Karolina", "Beata", "Dorota", "Izabela", "Marta",
    "Natalia", "Weronika", "Żaneta", "Bożena", "Grażyna", "Jolanta", "Agata", "Sylwia",
    "Edyta", "Renata", "Kinga", "Urszula", "Danuta", "Halina"};
const char* const kRomanianMale[] = {
    "Ionuț", "Andrei", "Mihai", "Florin", "Adrian", "Cristian", "Gheorghe", "Vasile",
    "Alexandru", "Ștefan", "Constantin", "Marius", "Bogdan", "Nicolae", "Ion", "Dumitru",
    "Costel", "Cătălin", "Răzvan", "Sorin", "Ovidiu", "Gabriel"};
const char* const kRomanianFemale[] = {
    "Ioana", "Elena", "Maria", "Andreea", "Mihaela", "Alexandra", "Cristina", "Gabriela",
    "Ana", "Daniela", "Simona", "Roxana", "Florentina", "Nicoleta", "Loredana", "Adriana",
    "Alina", "Ramona", "Georgiana", "Larisa"};
const char* const kCaribbeanMale[] = {
    "Marcus", "Tyrone", "Leon", "Jermaine", "Delroy", "Winston", "Errol", "Clive", "Lloyd",
    "Desmond", "Leroy", "Dwayne", "Andre", "Jerome", "Kareem", "Devon", "Marlon", "Courtney",
    "Everton", "Neville", "Trevor", "Junior", "Nathaniel", "Tremaine", "Shaquille", "Kemar",
    "Jamal", "Reuben", "Dexter", "Omari", "Carlton", "Lennox", "Wesley", "Rohan", "Jahmal",
    "Tyreece", "Kwame", "Michael", "Anthony", "Daniel", "Joshua", "Nathan", "Isaiah", "Elijah"};
const char* const kCaribbeanFemale[] = {
    "Shanice", "Tanisha", "Keisha", "Marcia", "Beverley", "Yvonne", "Claudette", "Hyacinth",
    "Sharon", "Jasmine", "Chantelle", "Shantelle", "Latoya", "Natalie", "Simone", "Tiana",
    "Aaliyah", "Janelle", "Monique", "Paulette", "Sonia", "Kerry-Ann", "Shanelle", "Jade",
    "Donna", "Denise", "Michelle", "Nadine", "Sasha", "Tamika", "Kemi", "Precious"};
const char* const kWestAfricanMale[] = {
    "Oluwaseun", "Adebayo", "Chukwuemeka", "Emeka", "Chinedu", "Olumide", "Babatunde",
    "Tunde", "Femi", "Kwame", "Kofi", "Kwabena", "Yaw", "Kojo", "Kwaku", "Ifeanyi", "Obinna",
    "Nnamdi", "Segun", "Ayodele", "Abiodun", "Oluwafemi", "Tobi", "Tolu", "Chidi", "Uche",
    "Ebuka", "Samuel", "Daniel", "Emmanuel", "David", "Joseph", "Michael", "Godfrey",
    "Prince", "Moses", "Isaac", "Ibrahim", "Mohamed", "Abdoulie", "Lamin", "Alhaji"};
const char* const kWestAfricanFemale[] = {
    "Oluwaseun", "Adaeze", "Chiamaka", "Ngozi", "Chioma", "Folake", "Funmilayo", "Yetunde",
    "Temitope", "Bukola", "Abena", "Akosua", "Ama", "Efua", "Adwoa", "Ifeoma", "Nneka",
    "Amaka", "Blessing", "Grace", "Precious", "Esther", "Gifty", "Comfort", "Patience", "Joy",
    "Favour", "Mercy", "Fatoumata", "Isatou", "Mariama", "Aminata"};

// ----------------------------------------------------------------- surnames

const char* const kBritishSurnames[] = {
    "Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas",
    "Johnson", "Roberts", "Robinson", "Thompson", "Wright", "Walker", "White", "Edwards",
    "Hughes", "Green", "Hall", "Lewis", "Harris", "Clarke", "Jackson", "Wood", "Turner",
    "Martin", "Cooper", "Hill", "Ward", "Morris", "Moore", "Clark", "Lee", "King", "Baker",
    "Harrison", "Morgan", "Allen", "James", "Scott", "Phillips", "Watson", "Davis", "Parker",
    "Price", "Bennett", "Young", "Griffiths", "Mitchell", "Kelly", "Cook", "Carter",
    "Richardson", "Bailey", "Collins", "Bell", "Shaw", "Murphy", "Miller", "Cox", "Richards",
    "Marshall", "Anderson", "Simpson", "Ellis", "Adams", "Wilkinson", "Foster", "Chapman",
    "Powell", "Webb", "Rogers", "Gray", "Mason", "Hunt", "Campbell", "Matthews", "Owen",
    "Palmer", "Holmes", "Mills", "Barnes", "Knight", "Lloyd", "Butler", "Russell", "Barker",
    "Fisher", "Stevens", "Jenkins", "Murray", "Dixon", "Harvey", "Graham", "Pearson",
    "Fletcher", "Walsh", "Gibson", "Howard", "Andrews", "Stewart", "Elliott", "Reynolds",
    "Saunders", "Payne", "Fox", "Ford", "Pearce", "Day", "Brooks", "West", "Lawrence", "Cole",
    "Atkinson", "Bradley", "Spencer", "Gill", "Dawson", "Ball", "Burton", "O'Brien", "Watts",
    "Rose", "Booth", "Perry", "Ryan", "Grant", "Wells", "Armstrong", "Francis", "Rees",
    "Hayes", "Hart", "Hudson", "Newman", "Barrett", "Webster", "Hunter", "Gregory", "Carr",
    "Lowe", "Page", "Marsh", "Riley", "Dunn", "Woods", "Parsons", "Berry", "Stone", "Reid",
    "Holland", "Hawkins", "Harding", "Porter", "Robertson", "Newton", "Oliver", "Reed",
    "Kennedy", "Williamson", "Bird", "Gardner", "Dean", "Lane", "Cooke", "Bates", "Henderson",
    "Parry", "Burgess", "Bishop", "Walton", "Burns", "Nicholson", "Shepherd", "Ross", "Cross",
    "Long", "Freeman", "Warren", "Nicholls", "Hamilton", "Byrne", "Sutton", "McDonald",
    "Yates", "Hodgson", "Robson", "Curtis", "Hopkins", "O'Connor", "Harper", "Coleman",
    "Watkins", "Moss", "McCarthy", "Chambers", "O'Neill", "Griffin", "Sharp", "Hardy",
    "Wheeler", "Potter", "Osborne", "Johnston", "Gordon", "Doyle", "Wallace", "George",
    "Jordan", "Hutchinson", "Rowe", "Burke", "May", "Pritchard", "Gilbert", "Willis",
    "Higgins", "Read", "Miles", "Stevenson", "Stephenson", "Hammond", "Arnold", "Buckley",
    "Walters", "Hewitt", "Barber", "Nelson", "Slater", "Austin", "Sullivan", "Whitehead",
    "Mann", "Frost", "Lambert", "Stephens", "Blake", "Lynch", "Goodwin", "Barton", "Woodward",
    "Thomson", "Cunningham", "Quinn", "Barnett", "Baxter", "Clayton", "Nash", "Greenwood",
    "Jennings", "Holt", "Kemp", "Poole", "Gallagher", "Bond", "Stokes", "Tucker", "Davidson",
    "Fowler", "Heath", "Norman", "Middleton", "Lawson", "Banks", "French", "Stanley",
    "Jarvis", "Gibbs", "Ferguson", "Hayward", "Carroll", "Farrell", "Douglas", "Dickinson",
    "Todd", "Barlow", "Peters", "Lucas", "Knowles", "Hartley", "Simmons", "Morrison",
    "Howell", "Dale", "Thornton", "Bull", "Owens", "Lamb", "Moran", "Wilkins", "Lees",
    "Holden", "Hancock", "Brennan", "Fuller", "Howe", "Pugh", "Carpenter", "Leach",
    "Chadwick", "Hurst", "Bolton", "Sims", "Dunne", "Charlton", "Swift", "Jacobs",
    "Pickering", "Bradshaw", "Sharpe", "Steele", "Joyce", "Norris", "Gough", "Thorpe",
    "Vaughan", "Winter", "Mellor", "Kirby", "Bentley", "Daniels", "Goddard", "Tyler", "Flynn",
    "Davey", "Doherty", "Naylor", "Ashton", "Power", "Hobbs", "Gould", "Fitzgerald",
    "Preston", "Sanders", "Holloway", "Lord", "Rhodes", "Dyer", "Bowen", "Skinner", "Howells",
    "Cartwright", "Whittaker", "Glover", "Rowley", "Birch", "Parkinson", "Dennis",
    "Whitehouse", "Coates", "Tomlinson", "Wall", "Kirk", "Benson", "Hurley", "Conway",
    "Dobson", "Blackburn", "Archer", "Sheppard", "Chamberlain", "Haynes", "Morton", "Abbott",
    "Collier", "Bryant", "Milner", "Sheldon", "Dodd", "Cullen", "Reilly", "Hyde", "Savage",
    "Nolan", "Wade", "Lyons", "Waters", "Whitaker", "Moody", "Bray", "Brookes", "Hooper",
    "Hills", "Fleming", "Rowlands", "Barry", "Humphreys", "Bowden", "Mahoney", "Pope",
    "Field", "Coles", "Parkes", "Sykes", "Randall", "Boyle", "Coulson", "Hale", "Hargreaves",
    "Horton", "Sweeney", "Kerr", "Connolly", "Blackwell", "Fraser", "Sinclair", "Munro",
    "Paterson", "Crawford", "Cameron", "Duncan", "Boyd", "Watt", "Milne", "Bruce",
    "Mackenzie", "Maclean", "Macdonald", "McLaughlin", "McGrath", "McIntyre", "McKay",
    "Prosser", "Bevan", "Llewellyn", "Gwynne", "Meredith", "Pryce", "Probert", "Beddoes",
    "Nicholas", "Herbert", "Humphries", "Baldwin", "Bates", "Bennet", "Blackmore", "Blair",
    "Bloggs", "Bourne", "Bowers", "Brady", "Briggs", "Broadbent", "Buxton", "Caldwell",
    "Cassidy", "Cave", "Clements", "Cochrane", "Connor", "Corbett", "Cowan", "Crane",
    "Crowther", "Dalton", "Dawes", "Denton", "Dickson", "Donnelly", "Driscoll", "Duffy",
    "Eaton", "Edge", "Emery", "Farmer", "Faulkner", "Fenton", "Finch", "Fisk", "Forster",
    "Frith", "Garner", "Garrett", "Gilmore", "Goodall", "Goodman", "Gorman", "Hanson",
    "Harrington", "Hedley", "Hogan", "Horne", "Hussey", "Ingram", "Irving", "Jeffries",
    "Kay", "Keegan", "Kendall", "Kenny", "Lang", "Lister", "Lockwood", "Lord", "Lyon",
    "Maddox", "Marlow", "Maxwell", "Mercer", "Metcalfe", "Moon", "Mullins", "Nixon", "North",
    "Oakley", "Ogden", "Pace", "Parr", "Peacock", "Pemberton", "Perkins", "Pike", "Platt",
    "Pollard", "Potts", "Quigley", "Rawlings", "Rigby", "Rooney", "Rushton", "Salt",
    "Schofield", "Seymour", "Shields", "Shore", "Short", "Siddall", "Stubbs", "Summers",
    "Tanner", "Tate", "Thwaite", "Tierney", "Timms", "Townsend", "Trueman", "Tully", "Vickers",
    "Vincent", "Wainwright", "Walsh", "Warburton", "Warner", "Weaver", "Whalley", "Wiggins",
    "Winstanley", "Wolfe", "Worrall", "Wyatt", "Yeo", "Youngs"};

const char* const kSurnamePrefixes[] = {
    "Ash", "Black", "Brad", "Brook", "Cald", "Craw", "Dal", "Dun", "East", "Fair", "Farn",
    "Green", "Hal", "Hay", "Hol", "Kirk", "Lang", "Lid", "Mar", "Mid", "Mor", "New", "North",
    "Oak", "Pen", "Pres", "Rad", "Rich", "Ross", "Sand", "Shel", "Stan", "Stock", "Sut",
    "Thorn", "Tre", "Wal", "War", "Wes", "Whit", "Wind", "Wood", "Wor", "Ather", "Bran",
    "Bur", "Chil", "Cly", "Dray", "Elm", "Fen", "Gar", "Gos", "Hart", "Ing", "Kel", "Lan",
    "Mal", "Nor", "Old", "Pem", "Quar", "Red", "Roth", "Sal", "Swin", "Tad", "Ver", "Wick",
    "Yar", "Brom", "Cran", "Hep", "Lud", "Pax", "Rams", "Tib", "Bel", "Cal", "Cul"};
const char* const kSurnameSuffixes[] = {
    "bridge", "worth", "ford", "ley", "ton", "field", "more", "wood", "well", "by", "ham",
    "hurst", "combe", "dale", "stone", "wick", "son", "cliffe", "man", "shaw", "bury",
    "croft", "den", "leigh", "land", "ington", "thorpe", "ridge", "gate", "ock", "er",
    "all", "ell", "over", "sby", "stead", "brook", "holme", "acre", "win"};

const char* const kIrishSurnames[] = {
    "Murphy", "Kelly", "O'Sullivan", "Walsh", "O'Brien", "Byrne", "Ryan", "O'Connor",
    "O'Neill", "O'Reilly", "Doyle", "McCarthy", "Gallagher", "O'Doherty", "Kennedy", "Lynch",
    "Murray", "Quinn", "Moore", "McLoughlin", "O'Carroll", "Connolly", "Daly", "O'Connell",
    "Ó Briain", "Ó Súilleabháin", "Mac Cárthaigh", "Ó Ceallaigh", "Ó Murchú", "Ó Néill",
    "Mac Giolla", "Mac Mathúna", "Ó Donnchadha", "Mac Aodha", "Ó Dónaill", "Fitzgerald",
    "Brennan", "Burke", "Collins", "Clarke", "Flynn", "Nolan", "Power", "Sweeney", "Whelan",
    "Keane", "Hegarty", "Maguire", "Dunne", "Kavanagh", "Farrell", "Fahy", "Boyle", "Healy",
    "Foley", "Mulligan", "McGuinness", "Ó Conchúir", "Mac Suibhne", "Ní Bhriain"};
const char* const kSouthAsianSurnames[] = {
    "Khan", "Hussain", "Ahmed", "Ali", "Shah", "Akhtar", "Iqbal", "Mahmood", "Rahman",
    "Islam", "Hussein", "Chaudhry", "Choudhury", "Malik", "Mirza", "Qureshi", "Sheikh", "Butt",
    "Aslam", "Javed", "Rashid", "Anwar", "Haq", "Uddin", "Miah", "Ahmad", "Ashraf", "Raza",
    "Nawaz", "Hanif", "Saleem", "Bashir", "Yousaf", "Sultan", "Karim", "Aziz", "Hassan",
    "Shafiq", "Younis", "Bhatti", "Ullah", "Zaman", "Abbasi"};
const char* const kSikhSurnames[] = {
    "Sandhu", "Sidhu", "Dhillon", "Gill", "Bains", "Grewal", "Sohal", "Johal", "Atwal",
    "Bassi", "Dhaliwal", "Mann", "Rai", "Sahota", "Virdi", "Kang", "Basra", "Hayer", "Chahal"};
const char* const kHinduSurnames[] = {
    "Patel", "Sharma", "Kumar", "Mistry", "Parmar", "Chauhan", "Lal", "Desai", "Joshi",
    "Mehta", "Shah", "Solanki", "Modi", "Pandya", "Thakkar", "Gupta", "Verma", "Chopra",
    "Kapoor", "Rana", "Ram", "Mistri"};
const char* const kPolishSurnames[] = {
    "Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński", "Lewandowski",
    "Zieliński", "Szymański", "Woźniak", "Dąbrowski", "Kozłowski", "Jankowski", "Mazur",
    "Wojciechowski", "Kwiatkowski", "Krawczyk", "Kaczmarek", "Piotrowski", "Grabowski",
    "Zając", "Pawłowski", "Michalski", "Król", "Wieczorek", "Jabłoński", "Wróbel",
    "Nowakowski", "Majewski", "Olszewski", "Stępień", "Malinowski", "Jaworski", "Adamczyk",
    "Dudek", "Nowicki", "Pawlak", "Górski", "Witkowski", "Walczak", "Sikora", "Baran",
    "Rutkowski", "Michalak", "Szewczyk", "Ostrowski", "Tomaszewski", "Pietrzak", "Zalewski",
    "Wróblewski", "Jasiński", "Zawadzki", "Sadowski", "Chmielewski", "Włodarczyk"};
const char* const kRomanianSurnames[] = {
    "Popescu", "Ionescu", "Popa", "Pop", "Radu", "Dumitru", "Stoica", "Stan", "Munteanu",
    "Constantin", "Marin", "Tudor", "Moldovan", "Florea", "Dinu", "Lungu", "Ungureanu",
    "Ștefănescu", "Matei", "Nistor", "Ciobanu", "Rusu", "Căpraru", "Gheorghiu"};
const char* const kCaribbeanSurnames[] = {
    "Campbell", "Brown", "Williams", "Thompson", "Clarke", "Johnson", "Smith", "Robinson",
    "Lewis", "Grant", "Francis", "Henry", "Edwards", "Gordon", "Reid", "Bailey", "Richards",
    "Samuels", "Morgan", "Allen", "Walker", "Graham", "Stewart", "Forbes", "Bennett",
    "Powell", "Wright", "Gayle", "Beckford", "McKenzie", "Daley", "Ferguson", "Hinds",
    "Facey", "Blake", "Spencer", "McLean", "Dacres", "Bryan", "Thomas", "Anderson",
    "Barrett", "Brissett", "Lindo", "Dixon", "Hamilton", "Wilson", "Gooden", "Osbourne",
    "Ellis", "Joseph", "Charles", "Alexander", "Benjamin", "Christie", "Haughton"};
const char* const kWestAfricanSurnames[] = {
    "Adebayo", "Okafor", "Chukwu", "Mensah", "Asante", "Okonkwo", "Adeyemi", "Oyelaran",
    "Ogunleye", "Eze", "Nwosu", "Okoro", "Obi", "Adewale", "Olawale", "Bello", "Ibrahim",
    "Boateng", "Owusu", "Osei", "Appiah", "Acheampong", "Agyeman", "Amoah", "Darko", "Addo",
    "Ansah", "Opoku", "Danso", "Oduya", "Oyewole", "Balogun", "Akinyemi", "Ojo", "Afolabi",
    "Babatunde", "Oladipo", "Okeke", "Nwachukwu", "Onyeka", "Anyanwu", "Ogbonna", "Adeleke",
    "Ayodele", "Adeola", "Kamara", "Sesay", "Conteh", "Koroma", "Bangura", "Jallow",
    "Ceesay", "Diallo", "Bah", "Sow", "Oyedepo", "Ogunbiyi"};

// ------------------------------------------------------ variants, nicknames

const char* const kForenameVariants[] = {
    "Mohammed|Muhammad|Mohamed|Mohammad|Muhammed|Mohamad",
    "Catherine|Katherine|Kathryn|Katharine|Catharine|Cathryn",
    "Steven|Stephen", "Stephen|Steven", "Sean|Shaun|Shawn|Seán", "Seán|Sean|Shaun",
    "Shaun|Sean|Shawn", "Philip|Phillip", "Phillip|Philip", "Geoffrey|Jeffrey",
    "Jonathan|Johnathan|Jonathon", "Matthew|Mathew", "Ann|Anne", "Anne|Ann", "Sarah|Sara",
    "Rebecca|Rebekah", "Zoe|Zoë|Zoey", "Claire|Clare", "Clare|Claire", "Carl|Karl",
    "Karl|Carl", "Nicola|Nichola", "Alan|Allan|Allen", "Brian|Bryan", "Neil|Neal",
    "Mark|Marc", "Lee|Leigh", "Leigh|Lee", "Graham|Graeme", "Stuart|Stewart",
    "Jayden|Jaden|Jaiden", "Jaden|Jayden", "Aidan|Aiden|Aodhán", "Tracey|Tracy",
    "Tracy|Tracey", "Lindsay|Lindsey", "Lindsey|Lindsay", "Leanne|Lianne|Leann",
    "Hayley|Haley|Hailey", "Natalie|Nathalie", "Theresa|Teresa", "Teresa|Theresa",
    "Isabel|Isobel|Isabelle", "Yusuf|Yousef|Yusef|Yousuf", "Ahmed|Ahmad",
    "Abdul|Abdel", "Aisha|Ayesha", "Ayesha|Aisha", "Fatima|Fatimah", "Tyrone|Tyron",
    "Jermaine|Germaine", "Kieran|Ciarán|Keiran", "Ciarán|Kieran", "Łukasz|Lukasz|Lucas",
    "Michał|Michal|Michael", "Paweł|Pawel|Paul", "Piotr|Peter", "Katarzyna|Katarzina",
    "Małgorzata|Malgorzata", "Oluwaseun|Oluseun", "Mohamed|Mohammed|Mohamad",
    "Muhammad|Mohammed|Muhammed", "Jon|John", "John|Jon", "Jake|Jack", "Kerry|Kerrie",
    "Leon|Léon", "Kayleigh|Kayley|Kaleigh", "Danielle|Daniele", "Jacqueline|Jaqueline",
    "Deborah|Debra", "Debra|Deborah", "Lesley|Leslie", "Rachel|Rachael", "Louise|Luise",
    "Sophie|Sophia", "Ellie|Elly", "Amy|Aimee", "Aimee|Amy", "Kimberley|Kimberly",
    "Shannon|Shanon", "Chantelle|Shantelle", "Shantelle|Chantelle", "Callum|Calum",
    "Reece|Rhys|Reese", "Rhys|Reece", "Connor|Conor", "Conor|Connor", "Lewis|Louis",
    "Louis|Lewis", "Dylan|Dillon", "Harvey|Harvie", "Gareth|Garath", "Darren|Daren",
    "Wayne|Wane", "Ian|Iain", "Iain|Ian", "Gary|Garry", "Barry|Barrie", "Terence|Terrence",
    "Ricky|Rikki", "Pádraig|Padraig|Patrick", "Siobhán|Siobhan|Shevaun", "Niamh|Neve|Neeve",
    "Aoife|Eva", "Sinéad|Sinead", "Róisín|Roisin|Rosheen", "Éamonn|Eamonn|Eamon",
    "Hamza|Hamzah", "Usman|Osman", "Imran|Imraan", "Hussain|Hussein|Husain",
    "Hassan|Hasan", "Zainab|Zaynab", "Maryam|Mariam|Miriam"};
const char* const kSurnameVariants[] = {
    "McDonald|MacDonald|Macdonald|Mcdonald", "Macdonald|McDonald|MacDonald",
    "Thompson|Thomson|Tompson", "Thomson|Thompson", "Davies|Davis|Davie", "Davis|Davies",
    "Phillips|Philips", "Reid|Reed|Read", "Reed|Reid|Read", "Read|Reed|Reid",
    "Clarke|Clark", "Clark|Clarke", "Matthews|Mathews", "Stephens|Stevens",
    "Stevens|Stephens", "Stephenson|Stevenson", "Stevenson|Stephenson",
    "Hussain|Hussein|Husain|Hossain", "Hussein|Hussain", "Choudhury|Chowdhury|Chaudhry|Choudhary",
    "Chaudhry|Chaudhary|Choudhry|Choudhury", "Ahmed|Ahmad|Ahmet", "Ahmad|Ahmed",
    "Rahman|Rehman|Rahaman", "Mahmood|Mahmud|Mehmood|Mahmoud", "McKenzie|MacKenzie|Mackenzie",
    "Mackenzie|McKenzie", "Gray|Grey", "Smith|Smyth|Smithe", "O'Neill|O'Neil|O Neill|Oneill",
    "O'Brien|O'Bryan|OBrien", "O'Connor|O'Conner|Connor", "McLean|MacLean|Maclean",
    "Maclean|McLean", "Mohammed|Muhammad|Mohamed", "Kowalski|Kowalsky", "Nowak|Novak",
    "Mensah|Mensa", "Okafor|Okafo", "Adebayo|Adebayor", "Murphy|Murphey", "Byrne|Byrnes|Burn",
    "Moore|More|Moor", "Kelly|Kelley", "Philips|Phillips", "Foster|Forster", "Lloyd|Loyd",
    "Ellis|Elis", "Powell|Powel", "Hewitt|Hewett", "Jeffries|Jefferies|Jeffreys",
    "Humphreys|Humphries", "Humphries|Humphreys", "Davey|Davy", "Griffiths|Griffith",
    "Ó Briain|O'Brien", "Ó Súilleabháin|O'Sullivan", "Mac Cárthaigh|McCarthy",
    "Ó Ceallaigh|Kelly", "Ó Néill|O'Neill", "Ó Murchú|Murphy", "Ó Dónaill|O'Donnell",
    "Mac Suibhne|Sweeney", "Ó Conchúir|O'Connor", "Mac Mathúna|McMahon", "Ní Bhriain|O'Brien",
    "Sheikh|Shaikh|Sheik", "Qureshi|Quraishi|Kureshi", "Iqbal|Ikbal", "Uddin|Udin",
    "Miah|Mia|Meah", "Sandhu|Sandu", "Patel|Patell", "Okonkwo|Okonko"};
const char* const kNicknames[] = {
    "William|Bill|Billy|Will|Liam", "Robert|Bob|Rob|Bobby|Robbie", "Richard|Dick|Rick|Richie",
    "Michael|Mick|Mike|Mickey|Micky", "James|Jim|Jimmy|Jamie", "Margaret|Peggy|Maggie|Meg",
    "Elizabeth|Liz|Beth|Betty|Lizzie", "Thomas|Tom|Tommy", "Anthony|Tony",
    "Christopher|Chris|Kit", "Daniel|Dan|Danny", "David|Dave|Davy", "Edward|Ed|Eddie|Ted|Ned",
    "Joseph|Joe|Joey", "Patrick|Pat|Paddy", "Stephen|Steve|Stevie", "Steven|Steve|Stevie",
    "Kenneth|Ken|Kenny", "Derek|Del", "Terence|Terry", "Frederick|Fred|Freddie",
    "Alexander|Alex|Sandy|Alec", "Andrew|Andy|Drew", "Benjamin|Ben|Benny", "Samuel|Sam|Sammy",
    "Matthew|Matt", "Nicholas|Nick|Nicky", "Peter|Pete", "Raymond|Ray", "Ronald|Ron|Ronnie",
    "Timothy|Tim", "Gerald|Gerry", "Jacqueline|Jackie", "Jennifer|Jenny|Jen",
    "Katherine|Kate|Kathy|Katie", "Catherine|Cathy|Kate|Cath", "Karen|Kaz",
    "Rebecca|Becky|Becca", "Samantha|Sam|Sammy", "Victoria|Vicky|Tori", "Susan|Sue|Suzy",
    "Deborah|Debbie|Deb", "Patricia|Pat|Trish|Tricia", "Jessica|Jess", "Abigail|Abby|Abbie",
    "Charlotte|Charlie|Lottie", "Alexandra|Alex|Lexi", "Josephine|Jo|Josie", "Joanne|Jo",
    "Nicola|Nicky|Nikki", "Christine|Chris|Chrissie", "Kimberley|Kim", "Leslie|Les",
    "Lawrence|Larry|Laurie", "Harold|Harry", "Henry|Harry|Hal", "Jonathan|Jon|Jonny",
    "John|Jack|Johnny|Jock", "Mohammed|Mo", "Muhammad|Mo", "Oluwaseun|Seun",
    "Babatunde|Tunde", "Oluwafemi|Femi", "Adebayo|Bayo", "Chukwuemeka|Emeka",
    "Katarzyna|Kasia", "Małgorzata|Gosia|Małgosia", "Aleksandra|Ola", "Wojciech|Wojtek",
    "Krzysztof|Chris|Krzyś", "Grzegorz|Greg|Grzesiek", "Łukasz|Luke", "Piotr|Pete",
    "Agnieszka|Aga", "Pádraig|Paddy", "Gareth|Gaz", "Gary|Gaz", "Barry|Baz", "Sharon|Shaz",
    "Darren|Daz", "Warren|Waz", "Lee|Leeroy", "Dominic|Dom", "Gregory|Greg",
    "Jeremy|Jerry", "Philip|Phil", "Phillip|Phil", "Vincent|Vince|Vinny", "Malcolm|Mal",
    "Douglas|Doug|Dougie", "Donald|Don|Donny", "Francis|Frank|Frankie", "Frances|Fran|Frankie",
    "Gillian|Gill|Jill", "Pamela|Pam", "Sandra|Sandy", "Barbara|Barbie|Babs", "Dorothy|Dot|Dottie",
    "Valerie|Val", "Amanda|Mandy", "Melanie|Mel", "Gemma|Gem", "Stacey|Stace",
    "Danielle|Dani", "Georgia|Georgie", "Natalie|Nat", "Caroline|Carol|Caz", "Teresa|Tess|Terri",
    "Theresa|Tess|Terri", "Eleanor|Ellie|Nell", "Olivia|Liv", "Isabel|Izzy|Bella",
    "Callum|Cal", "Joshua|Josh", "Nathan|Nat", "Jacob|Jake", "Zachary|Zac|Zack",
    "Harrison|Harry", "Charles|Charlie|Chas|Chuck", "Albert|Bert|Alf", "Alfred|Alf|Alfie",
    "Archibald|Archie", "Nathaniel|Nat|Nate", "Tyrone|Ty", "Jermaine|Maine", "Jerome|Jerry",
    "Kwame|Kwam", "Yetunde|Tunde", "Temitope|Tope|Temi", "Folake|Fola",
    "Funmilayo|Funmi", "Ifeanyi|Ify", "Ngozi|Ngo", "Alhaji|Haji", "Abdoulie|Dou"};
const char* const kSimilarNamePairs[] = {
    "Jack|Jake", "Daniel|David", "Michael|Mitchell", "Leon|Liam", "Ryan|Rhys", "Connor|Conrad",
    "Callum|Calvin", "Jordan|Joshua", "Aaron|Adam", "Kyle|Kane", "Dean|Sean", "Mark|Marcus",
    "Sophie|Sophia", "Emma|Emily", "Jessica|Jennifer", "Hannah|Anna", "Chloe|Zoe",
    "Amy|Amber", "Laura|Lauren", "Kayleigh|Kelly", "Lewis|Luke", "Thomas|Tomas",
    "Charlie|Charles", "Harry|Harvey", "Ethan|Evan", "Jamie|James", "Paul|Peter",
    "Gary|Garry", "Darren|Darryl", "Simon|Simeon", "Ellie|Elsie", "Megan|Morgan",
    "Hollie|Holly", "Leah|Lea", "Mohammed|Mahmood", "Imran|Irfan", "Hassan|Hussain",
    "Adil|Adeel", "Fatima|Fatuma", "Łukasz|Lucjan", "Kacper|Kasper", "Piotr|Paweł",
    "Chukwuemeka|Chukwuma", "Kwame|Kwabena", "Olumide|Olamide", "Tyrone|Tyreece",
    "Jermaine|Jerome", "Shanice|Shania", "Niamh|Niall", "Aoife|Aisling", "Seán|Séamus"};

// ---------------------------------------------------------------- postcodes

const PostcodeArea kAreas[] = {
    {"B", 1, 99, 30},  {"M", 1, 50, 25},   {"L", 1, 40, 18},  {"LS", 1, 29, 18},
    {"S", 1, 75, 18},  {"BS", 1, 49, 16},  {"CF", 3, 83, 14}, {"NE", 1, 71, 16},
    {"E", 1, 18, 18},  {"N", 1, 22, 16},   {"SE", 1, 28, 22}, {"SW", 2, 20, 18},
    {"W", 2, 14, 12},  {"NW", 1, 11, 12},  {"CR", 2, 8, 8},   {"NG", 1, 25, 14},
    {"LE", 1, 19, 14}, {"CV", 1, 47, 10},  {"WV", 1, 16, 9},  {"BD", 1, 24, 12},
    {"HU", 1, 20, 9},  {"ST", 1, 21, 10},  {"PL", 1, 35, 8},  {"SO", 14, 53, 8},
    {"PO", 1, 41, 9},  {"BN", 1, 45, 10},  {"NP", 4, 26, 7},  {"SA", 1, 73, 9},
    {"DN", 1, 41, 9},  {"WF", 1, 17, 7},   {"HD", 1, 9, 5},   {"BL", 0, 9, 5},
    {"OL", 1, 16, 6},  {"SK", 1, 23, 8},   {"WA", 1, 16, 7},  {"WN", 1, 8, 5},
    {"PR", 1, 26, 7},  {"BB", 1, 18, 6},   {"LA", 1, 23, 5},  {"CA", 1, 28, 4},
    {"DL", 1, 17, 5},  {"TS", 1, 29, 9},   {"SR", 1, 8, 5},   {"DH", 1, 9, 4},
    {"YO", 1, 62, 6},  {"HG", 1, 5, 2},    {"DE", 1, 75, 9},  {"NN", 1, 18, 7},
    {"MK", 1, 46, 6},  {"LU", 1, 7, 5},    {"OX", 1, 49, 6},  {"RG", 1, 45, 8},
    {"SL", 0, 9, 4},   {"GU", 1, 52, 7},   {"KT", 1, 24, 6},  {"TW", 1, 20, 6},
    {"UB", 1, 11, 6},  {"HA", 0, 9, 5},    {"EN", 1, 11, 5},  {"IG", 1, 11, 5},
    {"RM", 1, 20, 6},  {"DA", 1, 18, 5},   {"BR", 1, 8, 4},   {"ME", 1, 20, 7},
    {"CT", 1, 21, 5},  {"TN", 1, 40, 6},   {"CM", 0, 24, 6},  {"SS", 0, 17, 6},
    {"CO", 1, 16, 4},  {"IP", 1, 33, 5},   {"NR", 1, 35, 6},  {"PE", 1, 38, 9},
    {"CB", 1, 25, 4},  {"SG", 1, 19, 4},   {"AL", 1, 10, 3},  {"WD", 3, 25, 3},
    {"HP", 1, 27, 4},  {"GL", 1, 56, 6},   {"BA", 1, 22, 4},  {"TA", 1, 24, 4},
    {"EX", 1, 39, 6},  {"TQ", 1, 14, 4},   {"TR", 1, 27, 3},  {"DT", 1, 11, 3},
    {"BH", 1, 31, 6},  {"SP", 1, 11, 3},   {"SN", 1, 26, 5},  {"HR", 1, 9, 2},
    {"WR", 1, 15, 4},  {"DY", 1, 14, 6},   {"TF", 1, 13, 3},  {"SY", 1, 25, 3},
    {"LL", 11, 78, 5}, {"CH", 1, 66, 6},   {"CW", 1, 12, 4},  {"LN", 1, 13, 4},
    {"WS", 1, 15, 6},  {"HX", 1, 7, 3},    {"FY", 1, 8, 4},   {"WC", 1, 2, 1},
    {"EC", 1, 4, 1}};

const char* const kSpecialDistricts[] = {
    "SW1A", "SW1E", "SW1H", "SW1P", "SW1V", "SW1W", "SW1X", "SW1Y", "W1B", "W1C", "W1D",
    "W1F", "W1G", "W1H", "W1J", "W1K", "W1S", "W1T", "W1U", "WC1A", "WC1B", "WC1E", "WC1H",
    "WC1N", "WC1R", "WC1V", "WC1X", "WC2A", "WC2B", "WC2E", "WC2H", "WC2N", "WC2R", "EC1A",
    "EC1M", "EC1N", "EC1R", "EC1V", "EC1Y", "EC2A", "EC3A", "EC4A", "E1W", "N1C", "E14"};

}  // namespace

NameList BritishForenames(bool female, int decade) {
  static const NameList kMale[kDecadeCount] = {L(kMale1950s), L(kMale1960s), L(kMale1970s),
                                               L(kMale1980s), L(kMale1990s), L(kMale2000s)};
  static const NameList kFemale[kDecadeCount] = {L(kFemale1950s), L(kFemale1960s),
                                                 L(kFemale1970s), L(kFemale1980s),
                                                 L(kFemale1990s), L(kFemale2000s)};
  if (decade < 0) decade = 0;
  if (decade >= kDecadeCount) decade = kDecadeCount - 1;
  return female ? kFemale[decade] : kMale[decade];
}

NameList RareForenames(bool female) { return female ? L(kRareFemale) : L(kRareMale); }

NameList CommunityForenames(Community community, bool female) {
  switch (community) {
    case kIrish: return female ? L(kIrishFemale) : L(kIrishMale);
    case kSouthAsian: return female ? L(kSouthAsianFemale) : L(kSouthAsianMale);
    case kPolish: return female ? L(kPolishFemale) : L(kPolishMale);
    case kRomanian: return female ? L(kRomanianFemale) : L(kRomanianMale);
    case kCaribbean: return female ? L(kCaribbeanFemale) : L(kCaribbeanMale);
    case kWestAfrican: return female ? L(kWestAfricanFemale) : L(kWestAfricanMale);
    case kSikh: return female ? L(kSikhFemale) : L(kSikhMale);
    case kHindu: return female ? L(kHinduFemale) : L(kHinduMale);
    default: return BritishForenames(female, 3);
  }
}

NameList BritishSurnames() { return L(kBritishSurnames); }
NameList SurnamePrefixes() { return L(kSurnamePrefixes); }
NameList SurnameSuffixes() { return L(kSurnameSuffixes); }

NameList CommunitySurnames(Community community) {
  switch (community) {
    case kIrish: return L(kIrishSurnames);
    case kSouthAsian: return L(kSouthAsianSurnames);
    case kPolish: return L(kPolishSurnames);
    case kRomanian: return L(kRomanianSurnames);
    case kCaribbean: return L(kCaribbeanSurnames);
    case kWestAfrican: return L(kWestAfricanSurnames);
    case kSikh: return L(kSikhSurnames);
    case kHindu: return L(kHinduSurnames);
    default: return L(kBritishSurnames);
  }
}

NameList ForenameVariantGroups() { return L(kForenameVariants); }
NameList SurnameVariantGroups() { return L(kSurnameVariants); }
NameList NicknameGroups() { return L(kNicknames); }
NameList SimilarNamePairs() { return L(kSimilarNamePairs); }

PostcodeAreaList PostcodeAreas() {
  return PostcodeAreaList{kAreas, static_cast<uint32_t>(std::size(kAreas))};
}
NameList SpecialDistricts() { return L(kSpecialDistricts); }

}  // namespace probity::synth
